// `npm test`: every suite, then one line `N passed, N failed` summing all of them.
// Counts come from machine-readable output (forge --json, node:test TAP), never from scraping.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { rootDir } from "./lib/paths.ts";

interface SuiteResult {
  suite: string;
  passed: number;
  failed: number;
  seconds: number;
}

const resultsDir = join(rootDir, ".test-results");
mkdirSync(resultsDir, { recursive: true });

function run(command: string, args: string[], options: { capture?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = spawn(command, args, {
      cwd: rootDir,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", options.capture ? "pipe" : "inherit", "inherit"],
    });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
}

async function timed(suite: string, body: () => Promise<{ passed: number; failed: number }>): Promise<SuiteResult> {
  console.log(`\n=== ${suite}`);
  const start = performance.now();
  const counts = await body();
  const result = { suite, ...counts, seconds: Number(((performance.now() - start) / 1000).toFixed(1)) };
  console.log(`=== ${suite}: ${result.passed} passed, ${result.failed} failed (${result.seconds}s)`);
  return result;
}

/** forge test --json: { "<file>:<Contract>": { test_results: { "<test>": { status } } } } */
async function forgeSuite() {
  const { code, stdout } = await run("forge", ["test", "--json"], { capture: true });
  let passed = 0;
  let failed = 0;
  try {
    const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as Record<
      string,
      { test_results: Record<string, { status: string; reason?: string | null }> }
    >;
    for (const [contract, { test_results }] of Object.entries(report)) {
      for (const [test, result] of Object.entries(test_results)) {
        if (result.status === "Success") passed++;
        else {
          failed++;
          console.log(`  FAIL ${contract} ${test}: ${result.reason ?? result.status}`);
        }
      }
    }
  } catch {
    console.log(stdout.slice(-4000));
  }
  if (code !== 0 && failed === 0) failed = 1; // compile error or crash: never report green
  console.log(`  forge: ${passed} tests passed`);
  return { passed, failed };
}

/** node --test with a TAP copy for counting; the spec reporter goes to the console. */
async function nodeSuite(name: string, patterns: string[], env?: NodeJS.ProcessEnv, specFile?: string) {
  const tapFile = join(resultsDir, `${name}.tap`);
  const { code } = await run(
    process.execPath,
    [
      "--test",
      "--test-concurrency=1",
      "--test-reporter=spec",
      `--test-reporter-destination=${specFile ?? "stdout"}`,
      "--test-reporter=tap",
      `--test-reporter-destination=${tapFile}`,
      "--test-timeout=300000",
      ...patterns,
    ],
    env ? { env } : {},
  );
  const tap = readFileSync(tapFile, "utf8");
  const count = (label: string) => Number(new RegExp(`^# ${label} (\\d+)$`, "m").exec(tap)?.[1] ?? 0);
  const passed = count("pass");
  const failed = count("fail") + count("cancelled") || (code !== 0 ? 1 : 0);
  return { passed, failed };
}

/** Lint: each checker counts as one test. They run side by side (two tsc projects, prettier and
 *  forge fmt each use one core). */
async function lintSuite() {
  const checks: [string, string[]][] = [
    ["tsc", ["--noEmit", "-p", "."]],
    ["tsc", ["--noEmit", "-p", "app"]],
    ["prettier", ["--check", "--log-level", "warn", "."]],
    ["forge", ["fmt", "--check"]],
  ];
  const codes = await Promise.all(checks.map(async ([command, args]) => (await run(command, args)).code));
  checks.forEach(([command, args], index) => {
    if (codes[index] !== 0) console.log(`  FAIL ${command} ${args.join(" ")}`);
  });
  const failed = codes.filter((code) => code !== 0).length;
  return { passed: checks.length - failed, failed };
}

// Compile only: deployments/abi.ts is not regenerated here, so a stale committed copy fails its test.
console.log("=== build (hardhat compile)");
const build = await run("hardhat", ["build", "--quiet"]);
const results: SuiteResult[] = [];
if (build.code !== 0) {
  results.push({ suite: "build", passed: 0, failed: 1, seconds: 0 });
} else {
  results.push(await timed("lint", lintSuite));
  // Server tests run on an embedded PostgreSQL by default; with DATABASE_URL set they run a
  // second time against that server (CI does both).
  const embeddedEnv = { DATABASE_URL: "" };
  // Forge (a solcjs compile, then fuzzing on both cores) runs beside the hardhat and unit suites,
  // which wait on anvil and child processes about half the time.
  const forge = timed("forge (test/contracts)", forgeSuite);
  const nodeSide = (async () => [
    await timed("hardhat (test/hardhat)", () => nodeSuite("hardhat", ["test/hardhat/*.test.ts"])),
    await timed("unit (scripts, deployments, test/deploy)", () =>
      nodeSuite("unit", ["scripts/**/*.test.ts", "deployments/**/*.test.ts", "test/deploy/*.test.ts"], embeddedEnv),
    ),
  ])();
  const [forgeResult, nodeResults] = await Promise.all([forge, nodeSide]);
  results.push(forgeResult, ...nodeResults);
  // With DATABASE_URL the second server pass runs beside the first: each is one test file at a
  // time and mostly waits on anvil and PostgreSQL, so together they use the machine's cores (CI
  // ~4 minutes shorter). Its spec output goes to a file, printed when it fails.
  // The embedded pass shares one embedded cluster (a fresh database per test file, as before): an
  // initdb per file cost ~3 s each. Run alone, a test file starts its own.
  const serverPasses = [
    timed("server (embedded PostgreSQL)", async () => {
      const dir = mkdtempSync(join(tmpdir(), "refcodes-test-pg-"));
      const embedded = await startEmbeddedPostgres(dir, { persistent: false }).catch((error: Error) => {
        console.log(`  the shared embedded PostgreSQL did not start (${error.message}); each file starts its own`);
        return undefined;
      });
      try {
        return await nodeSuite("server", ["server/**/*.test.ts"], {
          ...embeddedEnv,
          ...(embedded ? { REFCODES_TEST_EMBEDDED_URL: embedded.url } : {}),
        });
      } finally {
        await embedded?.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  ];
  if (process.env.DATABASE_URL) {
    const specFile = join(resultsDir, "server-database-url.spec.txt");
    serverPasses.push(
      timed("server (DATABASE_URL)", async () => {
        const counts = await nodeSuite("server-database-url", ["server/**/*.test.ts"], undefined, specFile);
        if (counts.failed > 0) console.log(readFileSync(specFile, "utf8").slice(-8000));
        return counts;
      }),
    );
  }
  results.push(...(await Promise.all(serverPasses)));
  // The reliability drills mostly wait (an RPC outage of 30 s, restarts, confirmations), so they run
  // beside the e2e, indexer and browser suites; their spec output, with each drill's checks, is printed
  // when they end.
  const drillSpec = join(resultsDir, "reliability.spec.txt");
  const drills = timed("reliability drills (test/reliability)", async () => {
    const counts = await nodeSuite("reliability", ["test/reliability/*.test.ts"], embeddedEnv, drillSpec);
    console.log(readFileSync(drillSpec, "utf8"));
    return counts;
  });
  const browserSide = (async () => [
    // The newcomer's path on the real `npm start` process (README walkthrough, without a browser).
    await timed("e2e (npm start, test/e2e)", () => nodeSuite("e2e", ["test/e2e/*.test.ts"], embeddedEnv)),
    await timed("indexer (Ponder, test/indexer)", () => nodeSuite("indexer", ["test/indexer/*.test.ts"], embeddedEnv)),
    // The app in the machine's Chromium (/usr/bin/chromium, via playwright-core) against a local
    // stack, plus the locale completeness check.
    await timed("app (Chromium, test/app)", () => nodeSuite("app", ["test/app/*.test.ts"], embeddedEnv)),
  ])();
  const [drillResult, browserResults] = await Promise.all([drills, browserSide]);
  results.push(...browserResults, drillResult);
}

const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
writeFileSync(join(resultsDir, "summary.json"), `${JSON.stringify({ passed, failed, suites: results }, null, 2)}\n`);
console.log("\nsuite                          passed  failed  seconds");
for (const r of results)
  console.log(
    `${r.suite.padEnd(30)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.seconds).padStart(7)}`,
  );
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
