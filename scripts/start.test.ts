// `npm start` end to end: a chain, the contracts deployed, the addresses and test accounts
// printed; Ctrl-C stops everything; a restart finds the same contracts on the persisted chain. The
// indexer comes up with it on the same database. A busy port is refused before anything starts.
// (test/e2e/newcomer.test.ts walks the whole newcomer's path through `npm start`.)
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { anvilKeys } from "./lib/anvil-accounts.ts";
import { HttpSession } from "./lib/http-session.ts";
import { freePort } from "./lib/indexer.ts";
import { rootDir } from "./lib/paths.ts";
import { testAccount } from "./lib/test-accounts.ts";

const network = `start-test-${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), "refcodes-start-"));
chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
const deploymentsDir = join(dataDir, "deployments"); // never the repository's deployments/
mkdirSync(deploymentsDir);
const port = await freePort(); // never a developer's npm start on 8787

const children: ChildProcess[] = [];

function start() {
  const child = spawn(process.execPath, [join(rootDir, "scripts/start.ts")], {
    env: {
      ...process.env,
      RPC_URL: "",
      NETWORK: network,
      PORT: String(port),
      DEPLOYMENTS_DIR: deploymentsDir,
      REFCODES_DATA_DIR: dataDir,
      APP_DIST_DIR: join(dataDir, "app"), // never the developer's app/dist
      DEPLOYER_PRIVATE_KEY: anvilKeys.deployer,
      REFERRAL_MINTER_PRIVATE_KEY: anvilKeys.operator,
      INDEXER_PORT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const running = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ctrl-C stops everything")) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  children.push(child);
  running.catch(() => {}); // a test awaits it; no unhandled rejection before it does
  return { child, running, exited, output: () => output };
}

/** Polls the indexer's GraphQL until the contract's state row is there (deploy blocks are
 *  indexed live, just after the indexer reports ready). */
async function indexedState(graphqlUrl: string, proxy: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ contractState(address: "${proxy.toLowerCase()}") { mode paused } }` }),
    });
    const body = (await response.json()) as { data?: { contractState: { mode: string; paused: boolean } | null } };
    if (body.data?.contractState || Date.now() > deadline) return body.data?.contractState;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A value of the printed summary, e.g. "  ReferralRewards   0x…". */
const field = (output: string, label: string) =>
  new RegExp(`^\\s+${label}\\s+((?:0x|http)\\S+)`, "m").exec(output)?.[1];

describe("npm start", () => {
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts a chain, deploys, prints the addresses, stops on SIGINT and resumes the same chain", async () => {
    const first = start();
    const output = await first.running;
    const rpcUrl = field(output, "chain RPC");
    const proxy = field(output, "ReferralRewards") as `0x${string}`;
    assert.match(proxy, /^0x[0-9a-fA-F]{40}$/);
    assert.match(rpcUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(output, /deploying to/);
    assert.match(output, /starting PostgreSQL \(first start: initialising its data directory\) and the server\.\.\./);
    // The local test accounts, marked as such; the admin signs in from the printed origin (SIWE
    // accepts PUBLIC_URL only, which defaults to that origin).
    assert.match(output, /PUBLIC development keys, for this local chain only/);
    assert.match(
      output,
      new RegExp(`alice\\s+#2\\s+${testAccount("alice").address}\\s+${testAccount("alice").privateKey}`),
    );
    const admin = new HttpSession(field(output, "app")!);
    const session = await admin.signIn(anvilKeys.deployer, { publicUrl: field(output, "app")!, chainId: 31337 });
    assert.equal(session.isAdmin, true);
    const client = createPublicClient({ transport: http(rpcUrl) });
    assert.notEqual(await client.getCode({ address: proxy }), undefined);

    // The server runs on the embedded database with its migrations applied.
    const serverUrl = field(output, "server");
    assert.match(serverUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await fetch(`${serverUrl}/readyz`);
    assert.equal(ready.status, 200);
    const nonce = (await (await fetch(`${serverUrl}/api/auth/nonce`)).json()) as { nonce: string };
    assert.match(nonce.nonce, /^[0-9a-f]{32}$/);
    assert.ok(existsSync(join(dataDir, "postgres", "data", "PG_VERSION")), "the database lives in the data dir");
    // The indexer runs on the same database and has read the deployment's configuration events.
    const graphqlUrl = field(output, "indexer GraphQL");
    assert.match(graphqlUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    assert.deepEqual(await indexedState(graphqlUrl!, proxy), { mode: "MINT", paused: false });
    // The server serves the app, built for this deployment, and tells it where the chain is.
    assert.match(output, /app built in \d+ ms/);
    const page = await (await fetch(`${serverUrl}/store`)).text();
    assert.match(page, /<div id="root"><\/div>/);
    const entry = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    assert.ok(entry, "index.html loads the app's hashed entry");
    assert.equal(
      (await fetch(`${serverUrl}${entry}`)).headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    const appConfig = await (await fetch(`${serverUrl}/api/app-config`)).json();
    assert.equal(appConfig.rpcUrl, rpcUrl);
    assert.equal(appConfig.indexerUrl, graphqlUrl);

    first.child.kill("SIGINT");
    assert.equal(await first.exited, 0);
    assert.match(first.output(), /stopped; the chain and the database are kept for the next npm start/);
    await assert.rejects(client.getChainId(), "the chain stopped with npm start");
    assert.ok(existsSync(join(dataDir, "anvil", "state.json")), "anvil saved its state");

    const second = start();
    const again = await second.running;
    assert.match(again, /contracts already deployed/);
    assert.match(again, /app up to date/, "same sources, same deployment: no rebuild");
    assert.equal(field(again, "ReferralRewards"), proxy);
    // The second start reuses the database: the first run's nonce is still stored.
    const pg = await import("pg");
    const credentials = JSON.parse(readFileSync(join(dataDir, "postgres", "credentials.json"), "utf8"));
    const port = /embedded PostgreSQL 18 on 127\.0\.0\.1:(\d+)/.exec(again)?.[1];
    const db = new pg.default.Client({ host: "127.0.0.1", port: Number(port), ...credentials, database: "postgres" });
    await db.connect();
    const stored = await db.query("select 1 from siwe_nonces where nonce = $1", [nonce.nonce]);
    await db.end();
    assert.equal(stored.rowCount, 1);
    // Same build, same deployment: the indexer resumes its schema.
    assert.deepEqual(await indexedState(field(again, "indexer GraphQL")!, proxy), { mode: "MINT", paused: false });
    second.child.kill("SIGINT");
    assert.equal(await second.exited, 0);
  });

  it("refuses a busy PORT before starting anything", async () => {
    const squatter = createServer().listen(port, "127.0.0.1");
    await new Promise((resolve) => squatter.once("listening", resolve));
    try {
      const busy = start();
      await assert.rejects(busy.running, /port \d+ \(the server\) is in use, perhaps by another npm start: .*set PORT/);
      assert.equal(await busy.exited, 1);
      assert.doesNotMatch(busy.output(), /anvil listening/);
    } finally {
      squatter.close();
    }
  });
});
