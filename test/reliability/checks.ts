// The checks every drill ends with, each printed as it passes:
//   every paid order has exactly one reward;
//   every approved reward is minted exactly once (ledger, paymentOf and ReferralPaid agree);
//   ledger = chain = indexer (`node scripts/audit.ts --indexer required` exits 0, indexer at head);
//   no 5xx served except while a dependency was down (plus RECOVERY_GRACE_MS).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { getAddress, type Hex } from "viem";
import { paymentsOf, readPaidEvents } from "../../server/rewards/onchain.ts";
import { RECOVERY_GRACE_MS } from "./record.ts";
import type { World } from "./world.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export const pass = (line: string) => console.log(`  ✓ ${line}`);

async function query<T extends pg.QueryResultRow>(world: World, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: world.postgres.url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

interface LedgerCounts {
  paidOrders: number;
  rewards: number;
  unfinished: number;
}

async function ledgerCounts(world: World): Promise<LedgerCounts> {
  const [row] = await query<{ paid: string; rewards: string; unfinished: string }>(
    world,
    `select (select count(*) from orders where status = 'paid') as paid,
            (select count(*) from rewards) as rewards,
            (select count(*) from rewards where state <> 'minted') as unfinished`,
  );
  return { paidOrders: Number(row!.paid), rewards: Number(row!.rewards), unfinished: Number(row!.unfinished) };
}

/** Waits until `orders` orders are paid and every reward is minted: the system has caught up. */
export async function waitUntilSettled(world: World, orders: number, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  const until = started + timeoutMs;
  let counts: LedgerCounts | undefined;
  for (;;) {
    counts = await ledgerCounts(world).catch(() => undefined);
    if (counts && counts.paidOrders >= orders && counts.rewards >= orders && counts.unfinished === 0) {
      console.log(`  · every paid order's reward minted (waited ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return;
    }
    assert.deepEqual(world.crashes(), [], "no server process died on its own");
    if (Date.now() > until) {
      const states = await query(world, "select state, count(*), max(last_error) as error from rewards group by state");
      assert.fail(`not settled in ${timeoutMs} ms: ${JSON.stringify(counts)} ${JSON.stringify(states)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function everyPaidOrderHasOneReward(world: World, expectedOrders: number): Promise<void> {
  const rows = await query<{ order_reference: string; status: string; attribution: string; rewards: number }>(
    world,
    `select o.order_reference, o.status, o.attribution,
            (select count(*)::int from rewards r where r.order_reference = o.order_reference) as rewards
       from orders o`,
  );
  const paid = rows.filter((row) => row.status === "paid");
  assert.equal(paid.length, expectedOrders, "every order the load paid is paid in the ledger");
  const wrong = rows.filter((row) => row.rewards !== (row.status === "paid" && row.attribution === "accepted" ? 1 : 0));
  assert.deepEqual(wrong, [], "paid, referred orders have one reward; others none");
  const deliveries = await query<{ order_reference: string; paid: number }>(
    world,
    `select order_reference, count(*)::int as paid from payment_transactions
      where outcome = 'order_paid' group by order_reference having count(*) <> 1`,
  );
  assert.deepEqual(deliveries, [], "each order was paid by exactly one delivery");
  pass(`every paid order has exactly one reward (${paid.length} orders)`);
}

export async function everyRewardMintedOnce(world: World): Promise<void> {
  const rewards = await query<{
    order_reference: string;
    order_ref: string;
    state: string;
    referrer_wallet: string;
    token_amount: string;
    tx_hash: string | null;
  }>(world, "select order_reference, order_ref, state, referrer_wallet, token_amount, tx_hash from rewards");
  const notMinted = rewards.filter((row) => row.state !== "minted");
  assert.deepEqual(notMinted, [], "every reward ends minted");

  const head = await world.chain.getBlockNumber({ cacheTime: 0 });
  const events = await readPaidEvents(world.chain, world.deployment.proxy, {
    fromBlock: BigInt(world.deployment.startBlock),
    toBlock: head,
  });
  const eventsOf = Map.groupBy(events, (event) => event.orderRef);
  const payments = await paymentsOf(
    world.chain,
    world.deployment.proxy,
    rewards.map((row) => row.order_ref as Hex),
  );
  for (const [i, row] of rewards.entries()) {
    const ref = row.order_ref.toLowerCase();
    const paidEvents = eventsOf.get(ref as Hex) ?? [];
    assert.equal(paidEvents.length, 1, `${row.order_reference}: one ReferralPaid event`);
    const [event] = paidEvents;
    assert.equal(event!.referrer, getAddress(row.referrer_wallet), `${row.order_reference}: paid to its referrer`);
    assert.equal(event!.amount.toString(), row.token_amount, `${row.order_reference}: paid its amount`);
    assert.equal(row.tx_hash?.toLowerCase(), event!.txHash.toLowerCase(), `${row.order_reference}: the ledger's tx`);
    assert.deepEqual(payments[i], { referrer: event!.referrer, amount: event!.amount }, "paymentOf agrees");
  }
  const known = new Set(rewards.map((row) => row.order_ref.toLowerCase()));
  const strangers = events.filter((event) => !known.has(event.orderRef));
  assert.deepEqual(strangers, [], "no payment without a ledger reward");
  pass(
    `every approved reward is minted exactly once (${rewards.length} rewards, ${events.length} ReferralPaid events)`,
  );
}

/** `npm run audit` as an operator runs it, with the indexer required and caught up to the head. */
export async function auditAgrees(world: World): Promise<void> {
  // The indexer indexes a local chain's newest block when the next one arrives.
  await world.chain.request({ method: "evm_mine" as never });
  const head = await world.chain.getBlockNumber({ cacheTime: 0 });
  await world.indexer.waitForBlock(head, 60_000);
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [`${root}scripts/audit.ts`, "--deployment", world.deploymentFile, "--indexer", "required", "--json"],
      {
        cwd: root,
        env: {
          ...process.env,
          NETWORK: "",
          RPC_URL: world.anvil.rpcUrl,
          DATABASE_URL: world.postgres.url,
          INDEXER_VIEWS_SCHEMA: world.viewsSchema,
          REFCODES_DATA_DIR: join(tmpdir(), "refcodes-drill-audit"), // never the developer's .data/
        },
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, out, err) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout: out, stderr: err }),
    ),
  );
  const report = (() => {
    try {
      return JSON.parse(stdout);
    } catch {
      return undefined;
    }
  })();
  const findings = report ? [...report.findings, ...(report.indexer?.findings ?? [])] : [];
  assert.equal(code, 0, `audit exit code ${code}:\n${JSON.stringify(findings, null, 2)}\n${stderr}`);
  assert.ok(report?.ok, "the audit's report is ok");
  assert.equal(report.indexer.checked, true, "the indexer was compared");
  assert.equal(report.indexer.indexedBlock, report.toBlock, "the indexer had reached the chain's head");
  assert.equal(report.indexer.payouts, report.onChainPayments, "the indexer has every payout");
  pass(
    `ledger = chain = indexer: npm run audit exits 0 (${report.ledgerRows} rewards, ` +
      `${report.onChainPayments} payments, indexer at block ${report.indexer.indexedBlock}, ` +
      `${report.counts.warnings + report.indexer.counts.warnings} warnings)`,
  );
}

export function noUnexcused5xx(world: World): void {
  const { answers } = world.record;
  const errors = answers.filter((answer) => answer.status >= 500);
  const unexcused = errors.filter((answer) => !world.record.excusedBy(answer));
  assert.deepEqual(unexcused, [], "no 5xx outside an outage");
  assert.deepEqual(world.crashes(), [], "no server process died on its own");
  const unanswered = answers.filter((answer) => answer.status === 0).length;
  const outages = world.record.outages.map((o) => `${o.what} ${(((o.to ?? Date.now()) - o.from) / 1000).toFixed(1)} s`);
  pass(
    `no 5xx except while a dependency was down (${answers.length} answers, ${errors.length} 5xx within ` +
      `${outages.length ? outages.join(", ") : "no outage"} + ${RECOVERY_GRACE_MS / 1000} s grace, ` +
      `${unanswered} unanswered; no server process died on its own)`,
  );
}

/** All four, after the system has settled. */
export async function finalChecks(world: World, expectedOrders: number): Promise<void> {
  await waitUntilSettled(world, expectedOrders);
  await everyPaidOrderHasOneReward(world, expectedOrders);
  await everyRewardMintedOnce(world);
  await auditAgrees(world);
  noUnexcused5xx(world);
}
