// Settling rewards from the chain's own record, the source of truth: an order paid on-chain
// becomes `minted` with the transaction and block of its ReferralPaid event, whoever sent it.
import { sql } from "drizzle-orm";
import type { Hex } from "viem";
import { rewards } from "../../db/schema.ts";
import { type RewardRow, transitionRewards } from "../ledger/transition.ts";
import type { MinterContext } from "./context.ts";
import { type PaidEvent, paymentsOf, readPaidEvents, sameTerms } from "../onchain.ts";

export interface Settlement {
  minted: RewardRow[];
  /** Paid on-chain with other terms than the ledger's: failed, never retried. */
  conflicting: RewardRow[];
  /** Not paid on-chain; still in their state. */
  unpaid: RewardRow[];
}

/** Moves `minting` rewards that the chain shows as paid; returns what it did with each. */
export async function settleFromChain(ctx: MinterContext, rows: RewardRow[], actor: string): Promise<Settlement> {
  const settlement: Settlement = { minted: [], conflicting: [], unpaid: [] };
  if (rows.length === 0) return settlement;
  const onChain = await paymentsOf(
    ctx.publicClient,
    ctx.rewardsAddress,
    rows.map((row) => row.orderRef as Hex),
  );
  const agreeing: RewardRow[] = [];
  for (const [i, row] of rows.entries()) {
    const payment = onChain[i];
    if (!payment) settlement.unpaid.push(row);
    else if (sameTerms(row, payment)) agreeing.push(row);
    else {
      const [moved] = await transitionRewards(ctx.db, {
        ids: [row.id],
        to: "failed",
        from: ["minting"],
        actor,
        reason: "paid on-chain with other terms",
        set: {
          lastError: `on-chain payment ${payment.amount} to ${payment.referrer} differs from the ledger`,
          attempts: ctx.maxAttempts,
        },
      });
      if (moved) settlement.conflicting.push(moved);
    }
  }
  if (agreeing.length === 0) return settlement;

  const events = await readPaidEvents(ctx.publicClient, ctx.rewardsAddress, {
    fromBlock: ctx.fromBlock,
    // viem caches the block number for its polling interval; a stale one would hide fresh payments.
    toBlock: await ctx.publicClient.getBlockNumber({ cacheTime: 0 }),
    orderRefs: agreeing.map((row) => row.orderRef as Hex),
  });
  const records = new Map<string, PaidEvent>(events.map((event) => [event.orderRef, event]));
  const byTx = Map.groupBy(agreeing, (row) => records.get(row.orderRef.toLowerCase())?.txHash ?? "");
  for (const [txHash, group] of byTx) {
    const record = records.get(group[0]!.orderRef.toLowerCase());
    const moved = await transitionRewards(ctx.db, {
      ids: group.map((row) => row.id),
      to: "minted",
      from: ["minting"],
      actor,
      reason: "paid on-chain",
      set: {
        mintedAt: sql`coalesce(${rewards.mintedAt}, now())`,
        lastError: null,
        ...(record ? { txHash, blockNumber: Number(record.blockNumber) } : {}),
      },
    });
    settlement.minted.push(...moved);
  }
  return settlement;
}
