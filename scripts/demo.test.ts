// `npm run demo` against a real stack wired as `npm start` wires it (anvil, the contracts, a fresh
// database, the server on the local network with its test payment keys, the indexer), minus the
// app build, which the demo does not need: the real CLI runs twice, and each run's history is
// checked where it lands: the database, the chain and the indexer.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { referralRewardsAbi } from "../deployments/abi.ts";
import { writeDeployment } from "../deployments/load.ts";
import type { Deployment } from "../deployments/schema.ts";
import { loadConfig } from "../server/config.ts";
import { type RunningServer, startServer } from "../server/server.ts";
import { createTestDatabase, stopEmbedded, type TestDatabase, testServerEnv } from "../server/test/harness.ts";
import { type Anvil, startAnvil } from "./lib/anvil.ts";
import { anvilKeys } from "./lib/anvil-accounts.ts";
import { deployReferralRewards } from "./lib/deploy.ts";
import { dropIndexerSchemas, freePort, type RunningIndexer, startIndexer } from "./lib/indexer.ts";
import { orderRefOf } from "./lib/order-ref.ts";
import { rootDir } from "./lib/paths.ts";

const run = promisify(execFile);

interface Counts {
  codes: number;
  visitors: number;
  paidOrders: number;
  rewards: Record<string, number>;
  rejectedWithReason: number;
  clawbacks: number;
  declined: number;
  refunds: number;
  minted: string[];
}

describe("npm run demo", { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "refcodes-demo-"));
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const schemas = [`demo_test_${suffix}`, `demo_test_${suffix}_views`];
  let anvil: Anvil;
  let deployment: Deployment;
  let database: TestDatabase;
  let server: RunningServer;
  let indexer: RunningIndexer;
  let sql: pg.Client;

  before(async () => {
    anvil = await startAnvil();
    deployment = await deployReferralRewards({
      network: "local",
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator: privateKeyToAccount(anvilKeys.operator).address,
      mode: "MINT",
    });
    mkdirSync(join(dir, "deployments"));
    writeDeployment(deployment, join(dir, "deployments"));
    database = await createTestDatabase();
    const port = await freePort();
    const indexerPort = await freePort();
    const env = testServerEnv(database.url, anvil.rpcUrl, {
      NETWORK: "local",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      APP_DIST_DIR: join(dir, "no-app"), // pages answer without the built app
      INDEXER_VIEWS_SCHEMA: schemas[1],
      INDEXER_PUBLIC_URL: `http://127.0.0.1:${indexerPort}/graphql`,
      REWARD_SWEEP_INTERVAL_SECONDS: "30",
    });
    server = await startServer(loadConfig(env), { deployment });
    indexer = await startIndexer({
      databaseUrl: database.url,
      rpcUrl: anvil.rpcUrl,
      network: "local",
      deploymentsDir: join(dir, "deployments"),
      schema: schemas[0]!,
      viewsSchema: schemas[1]!,
      port: indexerPort,
    });
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });

  after(async () => {
    await sql?.end();
    await indexer?.stop();
    await server?.stop();
    if (database) await dropIndexerSchemas(database.url, schemas).catch(() => {});
    await database?.drop();
    await stopEmbedded();
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function demo() {
    const { stdout } = await run(process.execPath, [join(rootDir, "scripts/demo.ts"), server.url], {
      env: { ...process.env, NETWORK: "local", DEPLOYMENTS_DIR: join(dir, "deployments"), CRON_SECRET: "" },
      timeout: 120_000,
    });
    return stdout;
  }

  async function counts(): Promise<Counts> {
    const value = async (query: string) => Number((await sql.query(query)).rows[0].count);
    const states = await sql.query("select state, count(*)::int as count from rewards group by state");
    return {
      codes: await value("select count(*) from refcodes"),
      visitors: await value("select count(*) from refcode_visitors"),
      paidOrders: await value("select count(*) from orders where paid_at is not null"),
      rewards: Object.fromEntries(states.rows.map((row) => [row.state, row.count])),
      rejectedWithReason: await value(
        "select count(*) from reward_transitions where to_state = 'rejected' and length(reason) > 10",
      ),
      clawbacks: await value("select count(*) from reward_adjustments where kind = 'clawback'"),
      declined: await value("select count(*) from payment_transactions where provider_status = 'Declined'"),
      refunds: await value("select count(*) from payment_transactions where provider_status = 'Refunded'"),
      minted: (await sql.query("select order_reference from rewards where state = 'minted'")).rows.map(
        (row) => row.order_reference as string,
      ),
    };
  }

  /** Every minted reward paid on-chain and shown by the indexer. */
  async function assertProven(minted: string[]) {
    const chain = createPublicClient({ transport: http(anvil.rpcUrl) });
    for (const orderReference of minted) {
      const paid = await chain.readContract({
        address: deployment.proxy,
        abi: referralRewardsAbi,
        functionName: "paidOrders",
        args: [orderRefOf(orderReference)],
      });
      assert.equal(paid, true, `paidOrders(${orderReference})`);
    }
    const { payouts } = await indexer.query<{ payouts: { totalCount: number } }>("{ payouts { totalCount } }");
    assert.equal(payouts.totalCount, minted.length, "the indexer shows every minted reward's payout");
  }

  it("fills an empty system with referrers, visits, orders, payments, refunds, reviews and mints", async () => {
    const output = await demo();
    assert.match(output, /Demo history added/);
    assert.match(output, /verify\s+http:\/\/127\.0\.0\.1:\d+\/verify\?order=ord_/);
    const after = await counts();
    assert.equal(after.codes, 3, "alice's and carol's vanity codes and bob's generated one");
    assert.equal(after.visitors, 65);
    assert.equal(after.paidOrders, 14);
    assert.equal(after.declined, 1);
    assert.equal(after.refunds, 3, "a full, a partial and an after-payout refund");
    assert.equal(after.rewards.rejected, 2);
    assert.equal(after.rejectedWithReason, 2);
    assert.equal(after.rewards.cancelled, 1, "the fully refunded order's reward");
    assert.equal(after.clawbacks, 1, "the refund after payout");
    assert.ok(after.minted.length >= 6, `most rewards are minted (${after.minted.length})`);
    assert.equal(after.rewards.approved ?? 0, 0, "nothing approved is left unminted");
    assert.equal(after.rewards.pending_approval ?? 0, 0, "every fiat reward was reviewed");
    await assertProven(after.minted);
  });

  it("adds more history when run again, reusing the referrers' codes", async () => {
    const before = await counts();
    await demo();
    const after = await counts();
    assert.equal(after.codes, before.codes, "the codes are reused");
    assert.equal(after.visitors, before.visitors + 65);
    assert.equal(after.paidOrders, before.paidOrders + 14);
    assert.equal(after.rewards.rejected, before.rewards.rejected! + 2);
    assert.ok(after.minted.length > before.minted.length);
    await assertProven(after.minted);
  });
});
