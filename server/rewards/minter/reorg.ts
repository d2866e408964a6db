// Rewards minted in blocks that may still be reorganised are checked against the chain again at
// every run: a payment whose transaction a reorg removed (and no node re-mined) is no longer on
// the chain, so its reward goes back to `approved` and is paid again; one re-mined in another
// block keeps its state and gets that block. The contract never pays an order twice, so a
// dropped transaction that comes back later only makes the second one skip it.
import { and, eq, gte } from "drizzle-orm";
import type { Hex } from "viem";
import { rewards } from "../../db/schema.ts";
import { paymentsOf, readPaidEvents } from "../onchain.ts";
import { transitionRewards } from "../ledger/transition.ts";
import type { MinterContext } from "./context.ts";

/** Blocks behind the head that a reorg may still replace (Ethereum finalises after ~64). */
export const REORG_DEPTH_BLOCKS = 64n;

export async function recheckRecentMints(ctx: MinterContext): Promise<void> {
  const head = await ctx.publicClient.getBlockNumber({ cacheTime: 0 });
  const from = head > REORG_DEPTH_BLOCKS ? head - REORG_DEPTH_BLOCKS : 0n;
  const recent = await ctx.db
    .select()
    .from(rewards)
    .where(and(eq(rewards.state, "minted"), gte(rewards.blockNumber, Number(from))));
  if (recent.length === 0) return;
  const payments = await paymentsOf(
    ctx.publicClient,
    ctx.rewardsAddress,
    recent.map((row) => row.orderRef as Hex),
  );
  const gone = recent.filter((_, i) => !payments[i]);
  if (gone.length > 0) {
    const moved = await transitionRewards(ctx.db, {
      ids: gone.map((row) => row.id),
      to: "approved",
      from: ["minted"],
      actor: "minter:reorg",
      reason: "its payment is no longer on-chain (reorganised out); will be sent again",
      set: { txHash: null, txNonce: null, blockNumber: null, mintedAt: null, batchId: null },
    });
    ctx.logger.warn({ rewards: moved.length }, "minted rewards reorganised out of the chain; paying them again");
  }

  const paid = recent.filter((_, i) => payments[i]);
  if (paid.length === 0) return;
  const events = await readPaidEvents(ctx.publicClient, ctx.rewardsAddress, {
    fromBlock: from,
    toBlock: head,
    orderRefs: paid.map((row) => row.orderRef as Hex),
  });
  const eventOf = new Map(events.map((event) => [event.orderRef, event]));
  for (const row of paid) {
    const event = eventOf.get(row.orderRef.toLowerCase() as Hex);
    if (!event || (event.txHash === row.txHash && Number(event.blockNumber) === row.blockNumber)) continue;
    // Re-mined elsewhere: the same payment, in the block (and transaction) that now holds it.
    await ctx.db
      .update(rewards)
      .set({ txHash: event.txHash, blockNumber: Number(event.blockNumber) })
      .where(and(eq(rewards.id, row.id), eq(rewards.state, "minted")));
  }
}
