// What the minter's tests share: a context on the test stack, approved rewards inserted as the
// ledger leaves them, and the one check every payout test ends with.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { referralRewardsAbi, rewardTokenAbi } from "../../deployments/abi.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../scripts/lib/clients.ts";
import { rewards } from "../db/schema.ts";
import type { MinterContext } from "../rewards/minter/context.ts";
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

  /** `n` approved, sized rewards over `referrers` new wallets; amounts 1..n × 10^15. */
  const approvedRewards = (n: number, referrers = 10, amount = (i: number) => BigInt(i + 1) * 10n ** 15n) => {
    const wallets = Array.from({ length: referrers }, () => newAccount().address);
    return db
      .insert(rewards)
      .values(
        Array.from({ length: n }, (_, i) =>
          sizedRewardRow(deployment, {
            orderReference: `mint-${randomUUID()}`,
            referrerWallet: wallets[i % referrers]!,
            tokenAmount: amount(i),
          }),
        ),
      )
      .returning();
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
    const events = await operator.publicClient.getContractEvents({
      address: deployment.proxy,
      abi: referralRewardsAbi,
      eventName: "ReferralPaid",
      args: { orderRef: rows.map((row) => row.orderRef as Hex) },
      fromBlock: BigInt(deployment.startBlock),
    });
    assert.equal(events.length, rows.length, "one ReferralPaid event per order");
    const eventOf = new Map(events.map((event) => [event.args.orderRef!.toLowerCase(), event]));
    const sums = new Map<string, bigint>();
    for (const row of rows) {
      const payment = await onChain(row.orderRef as Hex);
      assert.equal(payment.referrer, row.referrerWallet);
      assert.equal(payment.amount.toString(), row.tokenAmount);
      const event = eventOf.get(row.orderRef.toLowerCase());
      assert.ok(event, `a ReferralPaid event for ${row.orderReference}`);
      assert.equal(row.txHash, event.transactionHash, "the ledger names the paying transaction");
      assert.equal(row.blockNumber, Number(event.blockNumber));
      sums.set(row.referrerWallet, (sums.get(row.referrerWallet) ?? 0n) + BigInt(row.tokenAmount!));
    }
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
    approvedRewards,
    onChain,
    balanceOf,
    reload,
    assertPaidExactlyOnce,
    assertAuditClean,
  };
}
