// The Dockerfile, checked without a Docker daemon: what it copies exists, what it runs exists,
// what it starts loads only production dependencies and files it copied, and its ports and
// health check match the server's.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../server/config.ts";
import { ponderStartFromEnv } from "../../scripts/indexer.ts";
import {
  dockerfileInstructions,
  type Instruction,
  parseCopy,
  read,
  rootDir,
  runtimeGraph,
  sourcesUnder,
} from "./sources.ts";

const packageJson = JSON.parse(read("package.json")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
/** What the build stage makes that is not in the repository. */
const BUILD_OUTPUTS = ["/app/node_modules", "/app/app/dist"];
const RUNTIME = "runtime";

const instructions = dockerfileInstructions();
const inStage = (stage: string, keyword: string) =>
  instructions.filter((instruction) => instruction.stage === stage && instruction.keyword === keyword);
const dockerignore = read(".dockerignore")
  .split("\n")
  .filter((line) => line && !line.startsWith("#") && !line.startsWith("!"));

/** Runtime-stage paths (relative to /app) the image holds. */
function runtimePaths(): string[] {
  return inStage(RUNTIME, "COPY").flatMap((instruction) =>
    parseCopy(instruction.args).sources.map((source) => source.replace(/^\/app\//, "")),
  );
}

const execForm = (instruction: Instruction) => JSON.parse(instruction.args) as string[];

describe("Dockerfile", () => {
  it("has a build and a runtime stage on Node 22, and runs as a non-root user", () => {
    const froms = instructions.filter((instruction) => instruction.keyword === "FROM");
    assert.deepEqual(
      froms.map((from) => from.stage),
      ["build", RUNTIME],
    );
    assert.match(read("Dockerfile"), /ARG NODE_IMAGE=node:22-bookworm-slim/);
    assert.deepEqual(
      inStage(RUNTIME, "USER").map((user) => user.args),
      ["node"],
    );
  });

  it("copies into the build stage only files that exist and are not ignored", () => {
    const copies = inStage("build", "COPY");
    assert.ok(copies.length > 3);
    for (const copy of copies) {
      const { from, sources } = parseCopy(copy.args);
      assert.equal(from, undefined);
      for (const source of sources) {
        assert.ok(existsSync(join(rootDir, source)), `COPY ${source}: no such file in the repository`);
        assert.ok(!dockerignore.includes(source), `COPY ${source}: excluded by .dockerignore`);
      }
    }
  });

  it("copies into the runtime stage only what the build stage has", () => {
    const built = new Set(
      inStage("build", "COPY").flatMap((copy) => parseCopy(copy.args).sources.map((source) => `/app/${source}`)),
    );
    for (const copy of inStage(RUNTIME, "COPY")) {
      const { from, sources } = parseCopy(copy.args);
      assert.equal(from, "build");
      for (const source of sources) {
        const made = BUILD_OUTPUTS.includes(source) || [...built].some((path) => source === path);
        assert.ok(made, `COPY --from=build ${source}: the build stage neither copies nor makes it`);
      }
    }
  });

  it("runs npm scripts that exist", () => {
    const runs = inStage("build", "RUN").map((run) => run.args);
    const scripts = runs.flatMap((run) => [...run.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]!));
    assert.deepEqual(scripts.sort(), ["build", "build:app"]);
    for (const script of scripts) assert.ok(packageJson.scripts[script], `npm run ${script}: no such script`);
    assert.ok(
      runs.some((run) => /npm prune --omit=dev/.test(run)),
      "dev dependencies are pruned",
    );
  });

  it("starts the server by default, and both entrypoints exist in the image", () => {
    const [cmd] = inStage(RUNTIME, "CMD");
    assert.deepEqual(execForm(cmd!), ["node", "server/main.ts"]);
    const paths = runtimePaths();
    for (const entry of ["server/main.ts", "scripts/indexer.ts"]) {
      assert.ok(existsSync(join(rootDir, entry)), `${entry} exists`);
      assert.ok(
        paths.some((path) => entry.startsWith(`${path}/`) || entry === path),
        `${entry} is copied`,
      );
    }
  });

  it("loads, at run time, only files it copies and production dependencies", () => {
    const { files, packages } = runtimeGraph([
      "server/main.ts",
      "scripts/indexer.ts",
      "ponder.config.ts",
      "indexer/ponder.schema.ts",
      ...sourcesUnder("indexer/src"),
    ]);
    assert.ok(files.size > 50, `the import graph was followed (${files.size} files)`);
    const paths = runtimePaths();
    const uncopied = [...files].filter((file) => !paths.some((path) => file === path || file.startsWith(`${path}/`)));
    assert.deepEqual(uncopied, [], "every file the server and indexer load is copied into the image");
    const devOnly = [...packages].filter((name) => !(name in packageJson.dependencies)).sort();
    assert.deepEqual(devOnly, [], "every package they load survives `npm prune --omit=dev`");
  });

  it("exposes the server's and the indexer's default ports and checks /healthz", () => {
    const env = inStage(RUNTIME, "ENV")
      .map((instruction) => instruction.args)
      .join(" ");
    const port = Number(/\bPORT=(\d+)/.exec(env)?.[1]);
    const indexerPort = Number(/\bINDEXER_PORT=(\d+)/.exec(env)?.[1]);
    assert.equal(port, loadConfig({}).port);
    // The image's own environment: its PORT (the server's) must not become the indexer's port.
    const ponder = ponderStartFromEnv({ PORT: String(port), INDEXER_SCHEMA: "refcodes_ponder_test" });
    assert.equal(indexerPort, Number(ponder.args[ponder.args.indexOf("--port") + 1]));
    assert.equal(ponder.env.PORT, String(indexerPort), "Ponder prefers PORT to --port");
    assert.match(env, /\bHOST=0\.0\.0\.0\b/, "listens on the container's address, not loopback");
    const exposed = inStage(RUNTIME, "EXPOSE").flatMap((expose) => expose.args.split(/\s+/).map(Number));
    assert.deepEqual(exposed.sort(), [port, indexerPort].sort());

    const [healthcheck] = inStage(RUNTIME, "HEALTHCHECK");
    assert.match(healthcheck!.args, /\/healthz/);
    assert.match(healthcheck!.args, /process\.env\.PORT/);
    assert.match(read("server/app.ts"), /app\.get\("\/healthz"/, "the server answers /healthz");
  });

  it("keeps secrets and local state out of the build context", () => {
    for (const entry of [".env", ".data", "node_modules", ".git", "deployments/local.json"]) {
      assert.ok(dockerignore.includes(entry), `.dockerignore lists ${entry}`);
    }
  });
});
