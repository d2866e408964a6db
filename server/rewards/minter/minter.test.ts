import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq, inArray, sql } from "drizzle-orm";
import { type Address, type Hex, parseEventLogs } from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../../scripts/lib/clients.ts";
import { packPayment } from "../../../scripts/lib/pack-payment.ts";
import { type MinterFixtures, minterFixtures } from "../../test/minter-fixtures.ts";
import { rewards, rewardTransitions } from "../../db/schema.ts";
import { startTestStack, type TestStack } from "../../test/harness.ts";
import { type MinterContext, runMinter } from "./run.ts";

let stack: TestStack;
let fixtures: MinterFixtures;
let operator: Clients;

before(async () => {
  stack = await startTestStack();
  fixtures = await minterFixtures(stack);
  operator = fixtures.operator;
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;
const deployment = () => stack.server.deps.chain.deployment;
const minter = (overrides: Partial<MinterContext> = {}) => fixtures.minter(overrides);
const approvedRewards = (n: number, referrers = 10) => fixtures.approvedRewards(n, referrers);
const onChain = (orderRef: Hex) => fixtures.onChain(orderRef);

async function statesOf(ids: string[]) {
  const rows = await db().select({ state: rewards.state }).from(rewards).where(inArray(rewards.id, ids));
  return rows.map((row) => row.state);
}

describe("batch minter", () => {
  it("pays 250 approved rewards in 3 batch transactions, each exactly once", async () => {
    const created = await approvedRewards(250, 25);
    const summary = await runMinter(minter());
    assert.equal(summary.ran, true);
    assert.equal(summary.minted, 250);
    assert.deepEqual(
      summary.batches.map((b) => b.size),
      [100, 100, 50],
    );
    // minted with tx and block, paymentOf = ledger, one event each, balances = ledger sums
    await fixtures.assertPaidExactlyOnce(created.map((r) => r.id));
    // audit trail: approved → minting → minted for each
    const audit = await db().select().from(rewardTransitions).where(eq(rewardTransitions.rewardId, created[0]!.id));
    assert.deepEqual(
      audit.map((t) => [t.fromState, t.toState]),
      [
        ["approved", "minting"],
        ["minting", "minted"],
      ],
    );
    const again = await runMinter(minter());
    assert.equal(again.batches.length, 0, "nothing left to pay");
  });

  it("reconciles an order already paid on-chain instead of paying or failing it", async () => {
    const [same, other, fresh] = await approvedRewards(3);
    // paid outside the minter: once with the ledger's terms, once with other terms
    for (const [row, amount] of [
      [same!, BigInt(same!.tokenAmount!)],
      [other!, 1n],
    ] as const) {
      await fixtures.payDirectly(row.referrerWallet as Address, amount, row.orderRef as Hex);
    }
    const summary = await runMinter(minter());
    assert.equal(summary.reconciled, 2);
    assert.equal(summary.minted, 1);
    const [sameRow] = await db().select().from(rewards).where(eq(rewards.id, same!.id));
    const [otherRow] = await db().select().from(rewards).where(eq(rewards.id, other!.id));
    assert.equal(sameRow!.state, "minted");
    assert.equal(otherRow!.state, "failed");
    assert.match(otherRow!.lastError ?? "", /differs from the ledger/);
    assert.deepEqual(await statesOf([fresh!.id]), ["minted"]);
    assert.equal((await onChain(other!.orderRef as Hex)).amount, 1n, "never paid a second time");
  });

  it("reconciles rows left in minting by a crashed run: paid ones to minted, unpaid ones paid once", async () => {
    const rows = await approvedRewards(4);
    const [paid, unpaid] = [rows.slice(0, 2), rows.slice(2)];
    // A crash after the send: paid on-chain through a batch whose receipt was never recorded.
    const hash = await operator.walletClient.writeContract({
      address: deployment().proxy,
      abi: referralRewardsAbi,
      functionName: "payReferralBatch",
      args: [
        paid.map((row) => ({
          orderRef: row.orderRef as Hex,
          payment: packPayment(row.referrerWallet as Address, BigInt(row.tokenAmount!)),
        })),
      ],
    });
    await operator.publicClient.waitForTransactionReceipt({ hash });
    await db()
      .update(rewards)
      .set({
        state: "minting",
        txHash: sql`case when ${rewards.id} in (${sql.join(
          paid.map((r) => sql`${r.id}::uuid`),
          sql`, `,
        )}) then ${hash} else null end`,
      })
      .where(
        inArray(
          rewards.id,
          rows.map((r) => r.id),
        ),
      );
    const summary = await runMinter(minter());
    assert.equal(summary.ran, true);
    assert.deepEqual(await statesOf(rows.map((r) => r.id)), ["minted", "minted", "minted", "minted"]);
    const receipt = await operator.publicClient.getTransactionReceipt({ hash });
    const [paidRow] = await db().select().from(rewards).where(eq(rewards.id, paid[0]!.id));
    assert.equal(paidRow!.blockNumber, Number(receipt.blockNumber));
    for (const row of unpaid) assert.equal((await onChain(row.orderRef as Hex)).amount.toString(), row.tokenAmount);
  });

  it("runs one minter at a time: two started together pay each reward once", async () => {
    const rows = await approvedRewards(150, 15);
    const [a, b] = await Promise.all([runMinter(minter()), runMinter(minter())]);
    assert.equal(a.minted + b.minted, 150);
    const hashes = [...a.batches, ...b.batches].map((batch) => batch.txHash!);
    let paidEvents = 0;
    for (const hash of hashes) {
      const receipt = await operator.publicClient.getTransactionReceipt({ hash });
      paidEvents += parseEventLogs({ abi: referralRewardsAbi, logs: receipt.logs, eventName: "ReferralPaid" }).length;
    }
    assert.equal(paidEvents, 150);
    assert.deepEqual(new Set(await statesOf(rows.map((r) => r.id))), new Set(["minted"]));
  });

  it("does not run while another minter holds the lock", async () => {
    const holder = await stack.server.deps.database.pool.connect();
    try {
      await holder.query("select pg_advisory_lock(hashtext('refcodes.minter'))");
      const summary = await runMinter(minter());
      assert.equal(summary.ran, false);
      assert.equal(summary.reason, "another minter is running");
    } finally {
      await holder.query("select pg_advisory_unlock(hashtext('refcodes.minter'))");
      holder.release();
    }
  });

  it("keeps a reverted batch visible as failed with the error, and retries it after the backoff", async () => {
    const admin = await connect(stack.anvil.rpcUrl, anvilKeys.deployer);
    const send = async (functionName: "pause" | "unpause") =>
      admin.publicClient.waitForTransactionReceipt({
        hash: await admin.walletClient.writeContract({
          address: deployment().proxy,
          abi: referralRewardsAbi,
          functionName,
        }),
      });
    const [row] = await approvedRewards(1);
    await send("pause");
    try {
      const summary = await runMinter(minter());
      assert.equal(summary.failed, 1);
    } finally {
      await send("unpause");
    }
    const [failed] = await db().select().from(rewards).where(eq(rewards.id, row!.id));
    assert.equal(failed!.state, "failed");
    assert.match(failed!.lastError ?? "", /EnforcedPause/);
    assert.equal((await onChain(row!.orderRef as Hex)).amount, 0n);

    const early = await runMinter(minter());
    assert.equal(early.minted, 0, "not retried before the backoff");
    await db()
      .update(rewards)
      .set({ updatedAt: new Date(Date.now() - 3_600_000) })
      .where(eq(rewards.id, row!.id));
    const retried = await runMinter(minter());
    assert.equal(retried.minted, 1);
    assert.equal((await onChain(row!.orderRef as Hex)).amount.toString(), row!.tokenAmount);
  });

  it("fails an amount the contract can never take (above uint96) without sending, and keeps it visible", async () => {
    const [row] = await approvedRewards(1);
    await db()
      .update(rewards)
      .set({ tokenAmount: (2n ** 96n).toString() })
      .where(eq(rewards.id, row!.id)); // above uint96
    const summary = await runMinter(minter());
    assert.equal(summary.failed, 1);
    assert.equal(summary.batches.length, 0, "nothing sent");
    const [failed] = await db().select().from(rewards).where(eq(rewards.id, row!.id));
    assert.equal(failed!.state, "failed");
    assert.match(failed!.lastError ?? "", /does not fit in uint96/);
    await db().update(rewards).set({ state: "rejected" }).where(eq(rewards.id, row!.id)); // keep later runs clean
  });
});
