// What an earlier run left in `minting` (a crash, a receipt that never came): settled from the
// chain first. What is not paid goes back to `approved`, unless its transaction's nonce is still
// unused: that transaction may yet be mined, so it is replaced (same nonce, higher fee) instead of
// sending a second transaction for the same orders.
import { eq } from "drizzle-orm";
import type { Hex } from "viem";
import { rewards } from "../../db/schema.ts";
import { type RewardRow, transitionRewards } from "../ledger/transition.ts";
import { payBatch, type Reuse } from "./batch.ts";
import type { MinterContext, MintRunSummary } from "./context.ts";
import { settleFromChain } from "./settle.ts";

/** The fees and gas of the unmined transaction, when the node still has it. */
async function reuseOf(ctx: MinterContext, nonce: number, hash: string | null): Promise<Reuse> {
  const tx = hash ? await ctx.publicClient.getTransaction({ hash: hash as Hex }).catch(() => undefined) : undefined;
  if (!tx?.maxFeePerGas || tx.maxPriorityFeePerGas === undefined) return { nonce };
  return { nonce, gas: tx.gas, fees: { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas } };
}

export async function reconcileMinting(ctx: MinterContext, summary: MintRunSummary): Promise<void> {
  const stuck = await ctx.db.select().from(rewards).where(eq(rewards.state, "minting"));
  if (stuck.length === 0) return;
  const { unpaid, minted, conflicting } = await settleFromChain(ctx, stuck, "minter:reconcile");
  summary.reconciled += minted.length + conflicting.length;
  if (unpaid.length === 0) return;

  const confirmedNonce = await ctx.publicClient.getTransactionCount({
    address: ctx.account.address,
    blockTag: "latest",
  });
  const pendingNonce = (row: RewardRow) => row.txNonce !== null && row.txNonce >= confirmedNonce;
  await transitionRewards(ctx.db, {
    ids: unpaid.filter((row) => !pendingNonce(row)).map((row) => row.id),
    to: "approved",
    from: ["minting"],
    actor: "minter:reconcile",
    reason: "not paid on-chain; will be sent again",
  });
  const inFlight = Map.groupBy(unpaid.filter(pendingNonce), (row) => row.txNonce!);
  for (const [nonce, rows] of [...inFlight].sort(([a], [b]) => a - b)) {
    ctx.logger.warn({ nonce, rewards: rows.length }, "re-sending an unmined mint transaction with its nonce");
    await payBatch(ctx, rows, summary, await reuseOf(ctx, nonce, rows[0]!.txHash));
  }
}
