// `npm run audit` with the indexer: a real Ponder child process on the test stack's chain and
// database mirrors what the minter paid; the audit finds ledger = chain = indexer, and finds each
// kind of disagreement once the indexer's rows, its state or the ledger are tampered with.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type SQL, sql } from "drizzle-orm";
import { writeDeployment } from "../../../deployments/load.ts";
import { dropIndexerSchemas, type RunningIndexer, startIndexer } from "../../../scripts/lib/indexer.ts";
import { rootDir } from "../../../scripts/lib/paths.ts";
import { startTestStack, type TestStack } from "../../test/harness.ts";
import { type MinterFixtures, minterFixtures } from "../../test/minter-fixtures.ts";
import type { RewardRow } from "../ledger/transition.ts";
import { runMinter } from "../minter/run.ts";
import { compareIndexer, type IndexerCheckContext, IndexerNotFoundError } from "./indexer.ts";
import { paidEventReader } from "./reconcile.ts";

let stack: TestStack;
let f: MinterFixtures;
let indexer: RunningIndexer;
let minted: RewardRow[];
const dir = mkdtempSync(join(tmpdir(), "refcodes-audit-indexer-"));
const schema = `audit_idx_${process.pid}_${Date.now().toString(36)}`;
const viewsSchema = `${schema}_v`;
/** Ponder's own table (the views over it are read-only): where tampering would happen. */
const table = (name: string) => sql.raw(`"${schema}".${name}`);

before(async () => {
  stack = await startTestStack();
  f = await minterFixtures(stack);
  const deployment = stack.server.deps.chain.deployment;
  writeDeployment({ ...deployment, network: "test" }, dir);
  minted = await f.insertRewards(6, { referrers: 3 });
  await runMinter(f.minter());
  indexer = await startIndexer({
    databaseUrl: stack.database.url,
    rpcUrl: stack.anvil.rpcUrl,
    network: "test",
    deploymentsDir: dir,
    schema,
    viewsSchema,
  });
  await indexer.waitForBlock(await stack.server.deps.chain.client.getBlockNumber({ cacheTime: 0 }));
});
after(async () => {
  await indexer?.stop();
  if (stack) await dropIndexerSchemas(stack.database.url, [schema, viewsSchema]);
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function audit(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(rootDir, "scripts/audit.ts"), "--deployment", join(dir, "test.json"), ...args],
      {
        env: {
          ...process.env,
          NETWORK: "",
          REFCODES_DATA_DIR: dir,
          RPC_URL: stack.anvil.rpcUrl,
          DATABASE_URL: stack.database.url,
          INDEXER_VIEWS_SCHEMA: viewsSchema,
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The indexer check as the audit runs it, on the chain's events up to its head. */
async function check(overrides: Partial<IndexerCheckContext> = {}) {
  const { db, chain } = stack.server.deps;
  const ctx = { client: chain.client, deployment: chain.deployment };
  const toBlock = await chain.client.getBlockNumber({ cacheTime: 0 });
  const readEvents = paidEventReader(ctx);
  const events = await readEvents(BigInt(chain.deployment.startBlock), toBlock);
  return compareIndexer({ ...ctx, db, viewsSchema, events, toBlock, readEvents, waitMs: 5_000, ...overrides });
}

/** Writes to Ponder's tables as tampering would; its live-query triggers need their temp table. */
async function tamperIndexer(statements: SQL[]) {
  await stack.server.deps.db.transaction(async (tx) => {
    await tx.execute(sql`create temp table live_query_tables (table_name text primary key) on commit drop`);
    for (const statement of statements) await tx.execute(statement);
  });
}

const kindsBySubject = (report: Awaited<ReturnType<typeof check>>) =>
  report.findings.map((finding) => `${finding.kind} ${finding.subject}`).sort();

describe("npm run audit: the indexer against the chain and the ledger", () => {
  it("test_audit_indexerInStep_exitsZeroAndSaysWhatItChecked", async () => {
    const text = await audit(["--indexer", "required"]);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /OK: no mismatches/);
    assert.match(
      text.stdout,
      new RegExp(
        `indexer vs chain and ledger: views "${viewsSchema}", indexed to block \\d+; checked 6 payouts and 3 referrers`,
      ),
    );
    assert.match(text.stdout, /indexer OK: no mismatches$/m);

    const json = JSON.parse((await audit(["--json"])).stdout);
    assert.equal(json.ok, true);
    assert.equal(json.indexer.ok, true);
    assert.equal(json.indexer.payouts, 6);
    assert.deepEqual(json.indexer.findings, []);
  });

  it("test_audit_indexerMissing_warnsByDefaultAndFailsWhenRequired", async () => {
    const absent = { INDEXER_VIEWS_SCHEMA: "no_such_indexer_views" };
    const auto = await audit([], absent);
    assert.equal(auto.code, 0, auto.stdout + auto.stderr);
    assert.match(auto.stdout, /warning\s+indexer_not_checked\s+no_such_indexer_views/);
    const required = await audit(["--indexer", "required"], absent);
    assert.equal(required.code, 3, required.stdout + required.stderr);
    assert.match(
      required.stderr,
      /no _ponder_checkpoint, payout, .* in schema "no_such_indexer_views": is the indexer running\?/,
    );
    const off = await audit(["--indexer", "off", "--json"], absent);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(JSON.parse(off.stdout).indexer, null);
    await assert.rejects(check({ viewsSchema: "no_such_indexer_views", required: true }), IndexerNotFoundError);
  });

  it("test_audit_badIndexerFlags_exitTwoNamingTheFlag", async () => {
    const mode = await audit(["--indexer", "sometimes"]);
    assert.equal(mode.code, 2);
    assert.match(mode.stderr, /--indexer must be auto, required or off, got "sometimes"/);
    const wait = await audit(["--indexer-wait", "-1"]);
    assert.equal(wait.code, 2);
    assert.match(wait.stderr, /--indexer-wait/);
    const schemaName = await audit([], { INDEXER_VIEWS_SCHEMA: "Bad-Schema" });
    assert.equal(schemaName.code, 2);
    assert.match(schemaName.stderr, /INDEXER_VIEWS_SCHEMA: .*lower-case SQL identifier/);
  });

  it("test_compareIndexer_chainAheadOfIndexer_comparesUpToItsBlockAndWarns", async () => {
    const head = await stack.server.deps.chain.client.getBlockNumber({ cacheTime: 0 });
    const report = await check({ toBlock: head + 100n, waitMs: 0 });
    assert.equal(report.ok, true);
    assert.deepEqual(kindsBySubject(report), [`indexer_behind ${viewsSchema}`]);
    assert.equal(report.payouts, 6);
  });

  it("test_compareIndexer_ledgerNotMinted_reportsTheIndexedPayout", async () => {
    const row = minted[0]!;
    await f.tamper(row.id, { state: "approved" });
    try {
      const report = await check();
      assert.deepEqual(kindsBySubject(report), [`indexer_ledger_differs ${row.orderRef.toLowerCase()}`]);
      assert.match(report.findings[0]!.message, /ledger approved/);
    } finally {
      await f.tamper(row.id, { state: "minted" });
    }
  });

  it("test_compareIndexer_tamperedIndexer_reportsEachDisagreement", async () => {
    const [changed, deleted] = [minted[1]!, minted[2]!];
    const ghost = `0x${"ab".repeat(32)}`;
    const proxy = stack.server.deps.chain.deployment.proxy.toLowerCase();
    await tamperIndexer([
      sql`update ${table("payout")} set amount = amount + 1 where order_ref = ${changed.orderRef.toLowerCase()}`,
      sql`delete from ${table("payout")} where order_ref = ${deleted.orderRef.toLowerCase()}`,
      sql`insert into ${table("payout")} (order_ref, referrer, amount, tx_hash, block_number, log_index, timestamp, batch)
          values (${ghost}, ${changed.referrerWallet.toLowerCase()}, 5, ${ghost}, 1, 0, 0, false)`,
      sql`update ${table("contract_state")} set paused = true where address = ${proxy}`,
    ]);

    const report = await check();
    assert.equal(report.ok, false);
    const kinds = kindsBySubject(report);
    for (const expected of [
      `indexer_payout_differs ${changed.orderRef.toLowerCase()}`,
      `indexer_missing_payout ${deleted.orderRef.toLowerCase()}`,
      `indexer_unknown_payout ${ghost}`,
      `indexer_state_differs ${proxy}.paused`,
      `indexer_ledger_differs ${changed.orderRef.toLowerCase()}`,
      `indexer_ledger_differs ${ghost}`,
    ]) {
      assert.ok(kinds.includes(expected), `${expected} in ${kinds.join(", ")}`);
    }
    // The totals were left alone: they still add up to the chain's events.
    assert.ok(!kinds.some((k) => k.startsWith("indexer_totals_differ")), kinds.join(", "));

    await tamperIndexer([
      sql`update ${table("referrer")} set payouts = payouts + 1 where address = ${changed.referrerWallet.toLowerCase()}`,
      sql`update ${table("daily_stat")} set amount = amount + 7`,
    ]);
    const totals = kindsBySubject(await check()).filter((k) => k.startsWith("indexer_totals_differ"));
    assert.deepEqual(totals, [
      `indexer_totals_differ ${changed.referrerWallet.toLowerCase()}`,
      "indexer_totals_differ daily_stat",
    ]);

    const text = await audit([]);
    assert.equal(text.code, 1, text.stdout + text.stderr);
    assert.match(text.stdout, /OK: no mismatches/, "the ledger itself still agrees with the chain");
    assert.match(text.stdout, /indexer FAILED: \d+ mismatches/);
    assert.match(text.stdout, /MISMATCH indexer_unknown_payout\s+0xabab/);
  });
});
