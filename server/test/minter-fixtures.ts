// What the minter's and the reconciliation's tests share: a context on the test stack, rewards
// inserted as the ledger leaves them, payments and tampering behind the ledger's back, and the
// checks every payout test ends with.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { referralRewardsAbi, rewardTokenAbi } from "../../deployments/abi.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../scripts/lib/clients.ts";
import { rewards } from "../db/schema.ts";
import type { RewardState } from "../rewards/ledger/transition.ts";
import type { MinterContext } from "../rewards/minter/context.ts";
import { paymentsOf, readPaidEvents } from "../rewards/onchain.ts";
import { reconcileLedger } from "../rewards/reconcile/reconcile.ts";
import { newAccount, type TestStack } from "./harness.ts";
import { sizedRewardRow } from "./reward-rows.ts";

export type MinterFixtures = Awaited<ReturnType<typeof minterFixtures>>;

export async function minterFixtures(stack: TestStack) {
  const operator: Clients = await connect(stack.anvil.rpcUrl, anvilKeys.operator);
  const db = stack.server.deps.db;
  const deployment = stack.server.deps.chain.deployment;

  const minter = (overrides: Partial<MinterContext> = {}): MinterContext => ({
    db,
    pool: stack.server.deps.database.pool,
    logger: stack.server.deps.logger,
    publicClient: operator.publicClient as never,
    walletClient: operator.walletClient,
    account: operator.account,
    rewardsAddress: deployment.proxy,
    fromBlock: BigInt(deployment.startBlock),
    batchSize: 100,
    receiptTimeoutMs: 10_000,
    maxAttempts: 5,
    ...overrides,
  });

  /** `n` sized rewards in `state` over `referrers` new wallets; amounts 1..n × 10^15 by default. */
  const insertRewards = (
    n: number,
    {
      referrers = 10,
      amount = (i: number) => BigInt(i + 1) * 10n ** 15n,
      state = "approved",
    }: { referrers?: number; amount?: (i: number) => bigint; state?: RewardState } = {},
  ) => {
    const wallets = Array.from({ length: referrers }, () => newAccount().address);
    return db
      .insert(rewards)
      .values(
        Array.from({ length: n }, (_, i) =>
          sizedRewardRow(deployment, {
            orderReference: `mint-${randomUUID()}`,
            referrerWallet: wallets[i % referrers]!,
            tokenAmount: amount(i),
            state,
          }),
        ),
      )
      .returning();
  };
  const approvedRewards = (n: number, referrers = 10, amount?: (i: number) => bigint) =>
    insertRewards(n, { referrers, ...(amount ? { amount } : {}) });

  /** `payReferral` straight from the operator key, as a leaked key or a manual payment would. */
  const payDirectly = async (referrer: Address, amount: bigint, orderRef: Hex) => {
    const hash = await operator.walletClient.writeContract({
      address: deployment.proxy,
      abi: referralRewardsAbi,
      functionName: "payReferral",
      args: [referrer, amount, orderRef],
    });
    const receipt = await operator.publicClient.waitForTransactionReceipt({ hash });
    return { txHash: hash, blockNumber: Number(receipt.blockNumber) };
  };

  /** An UPDATE in SQL, around the ledger's transition function, as tampering would be. */
  const tamper = async (id: string, set: Partial<typeof rewards.$inferInsert>) => {
    await db
      .update(rewards)
      .set({ ...set, updatedAt: set.updatedAt ?? sql`now()` })
      .where(eq(rewards.id, id));
  };

  const onChain = async (orderRef: Hex) => {
    const [referrer, amount] = await operator.publicClient.readContract({
      address: deployment.proxy,
      abi: referralRewardsAbi,
      functionName: "paymentOf",
      args: [orderRef],
    });
    return { referrer, amount };
  };

  const balanceOf = (wallet: Address) =>
    operator.publicClient.readContract({
      address: deployment.token,
      abi: rewardTokenAbi,
      functionName: "balanceOf",
      args: [wallet],
    });

  const reload = (ids: string[]) => db.select().from(rewards).where(inArray(rewards.id, ids));

  /**
   * Every reward minted, and paid exactly once: `paymentOf` holds the ledger's terms, each order
   * has exactly one ReferralPaid event (the ledger's tx and block), and every referrer's token
   * balance equals the ledger's sum (the referrers must be fresh wallets).
   */
  const assertPaidExactlyOnce = async (ids: string[]) => {
    const rows = await reload(ids);
    assert.equal(rows.length, ids.length);
    assert.deepEqual(
      rows.filter((row) => row.state !== "minted").map((row) => [row.state, row.lastError]),
      [],
      "every reward minted",
    );
    const orderRefs = rows.map((row) => row.orderRef as Hex);
    const events = await readPaidEvents(operator.publicClient as never, deployment.proxy, {
      fromBlock: BigInt(deployment.startBlock),
      toBlock: await operator.publicClient.getBlockNumber({ cacheTime: 0 }),
      orderRefs,
    });
    assert.equal(events.length, rows.length, "one ReferralPaid event per order");
    const paidOrders = await operator.publicClient.multicall({
      deployless: true,
      allowFailure: false,
      contracts: orderRefs.map((orderRef) => ({
        address: deployment.proxy,
        abi: referralRewardsAbi,
        functionName: "paidOrders" as const,
        args: [orderRef] as const,
      })),
    });
    assert.ok(paidOrders.every(Boolean), "paidOrders is set for every order");
    const payments = await paymentsOf(operator.publicClient as never, deployment.proxy, orderRefs);
    const eventOf = new Map<string, (typeof events)[number]>(events.map((event) => [event.orderRef, event]));
    const sums = new Map<string, bigint>();
    for (const [i, row] of rows.entries()) {
      assert.deepEqual(payments[i], { referrer: row.referrerWallet, amount: BigInt(row.tokenAmount!) });
      const event = eventOf.get(row.orderRef.toLowerCase());
      assert.ok(event, `a ReferralPaid event for ${row.orderReference}`);
      assert.equal(event.amount, BigInt(row.tokenAmount!), "the event pays the ledger's amount");
      assert.equal(row.txHash, event.txHash, "the ledger names the paying transaction");
      assert.equal(row.blockNumber, Number(event.blockNumber));
      sums.set(row.referrerWallet, (sums.get(row.referrerWallet) ?? 0n) + BigInt(row.tokenAmount!));
    }
    // token balances = sum of the events per referrer = the ledger's sums
    const eventSums = new Map<string, bigint>();
    for (const event of events) eventSums.set(event.referrer, (eventSums.get(event.referrer) ?? 0n) + event.amount);
    assert.deepEqual(eventSums, sums);
    for (const [wallet, sum] of sums) assert.equal(await balanceOf(wallet as Address), sum, `balance of ${wallet}`);
  };

  /** The audit (`npm run audit`'s report) over the whole ledger: no mismatch, no warning. */
  const assertAuditClean = async () => {
    const report = await reconcileLedger({ db, client: operator.publicClient as never, deployment });
    assert.deepEqual(report.findings, [], "the audit finds nothing");
    assert.equal(report.ok, true);
    return report;
  };

  return {
    operator,
    db,
    deployment,
    minter,
    insertRewards,
    approvedRewards,
    payDirectly,
    tamper,
    onChain,
    balanceOf,
    reload,
    assertPaidExactlyOnce,
    assertAuditClean,
  };
}
