// Clawbacks: what a referrer owes after a refund of an order whose reward was already paid. A
// clawback is recovered from the referrer's next rewards (same token and chain) before they are
// minted: each recovery is an `offset` row naming the clawback, and the reward pays less. Nothing
// is ever taken back on-chain.
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { rewardAdjustments, rewards } from "../../db/schema.ts";
import { recordHostEvents } from "../../host-events/record.ts";
import { type RewardRow, transitionRewards } from "./transition.ts";

export interface ClawbackInput {
  reward: RewardRow;
  tokenAmount: bigint;
  rewardMinor: number;
  paymentTransactionId: number | null;
  reason: string;
}

/** Records what the referrer of a paid reward owes back. */
export async function recordClawback(tx: Tx, input: ClawbackInput): Promise<void> {
  const [clawback] = await tx
    .insert(rewardAdjustments)
    .values({
      kind: "clawback",
      rewardId: input.reward.id,
      referrerUserId: input.reward.referrerUserId,
      token: input.reward.token,
      chainId: input.reward.chainId,
      orderReference: input.reward.orderReference,
      paymentTransactionId: input.paymentTransactionId,
      tokenAmount: input.tokenAmount.toString(),
      outstanding: input.tokenAmount.toString(),
      rewardMinor: input.rewardMinor,
      currency: input.reward.currency,
      reason: input.reason,
    })
    .returning({ id: rewardAdjustments.id });
  await recordHostEvents(tx, [
    {
      type: "reward.clawback",
      reward: input.reward,
      subject: String(clawback!.id),
      details: {
        clawbackId: clawback!.id,
        clawbackTokenAmount: input.tokenAmount.toString(),
        clawbackRewardMinor: input.rewardMinor,
        reason: input.reason,
      },
    },
  ]);
}

type Clawback = typeof rewardAdjustments.$inferSelect;

/**
 * Recovers the open clawbacks of the rewards' referrers from these rewards, oldest clawback
 * first, rewards in the given order. Call with the rewards locked, in the transaction that claims
 * them for minting. A reward recovered in full moves to `offset` and is not returned; the others
 * come back with the amount left to pay.
 */
export async function offsetClawbacks(tx: Tx, rows: RewardRow[]): Promise<RewardRow[]> {
  if (rows.length === 0) return rows;
  const referrers = [...new Set(rows.map((row) => row.referrerUserId))];
  const open = await tx
    .select()
    .from(rewardAdjustments)
    .where(
      and(
        eq(rewardAdjustments.kind, "clawback"),
        gt(rewardAdjustments.outstanding, "0"),
        inArray(rewardAdjustments.referrerUserId, referrers),
      ),
    )
    .orderBy(asc(rewardAdjustments.id))
    .for("update");
  if (open.length === 0) return rows;

  const debts = Map.groupBy(open, (clawback) => keyOf(clawback));
  const remaining = new Map(open.map((clawback) => [clawback.id, BigInt(clawback.outstanding!)]));
  const payable: RewardRow[] = [];
  for (const row of rows) {
    let amount = BigInt(row.tokenAmount!);
    let offset = 0n;
    for (const clawback of debts.get(keyOf(row)) ?? []) {
      const owed = remaining.get(clawback.id)!;
      if (owed === 0n || amount === 0n) continue;
      const take = owed < amount ? owed : amount;
      remaining.set(clawback.id, owed - take);
      amount -= take;
      offset += take;
      await tx.insert(rewardAdjustments).values({
        kind: "offset",
        rewardId: row.id,
        referrerUserId: row.referrerUserId,
        token: row.token,
        chainId: row.chainId,
        orderReference: clawback.orderReference,
        clawbackId: clawback.id,
        tokenAmount: take.toString(),
        rewardMinor: fiatShare(clawback, take),
        currency: clawback.currency,
        reason: `recovers clawback #${clawback.id} (order ${clawback.orderReference}) from reward ${row.orderReference}`,
      });
    }
    if (offset === 0n) {
      payable.push(row);
      continue;
    }
    const [updated] = await tx
      .update(rewards)
      .set({
        tokenAmount: amount.toString(),
        offsetTokenAmount: sql`${rewards.offsetTokenAmount} + ${offset.toString()}::numeric`,
        updatedAt: sql`now()`,
      })
      .where(eq(rewards.id, row.id))
      .returning();
    if (amount === 0n) {
      await transitionRewards(tx, {
        ids: [row.id],
        to: "offset",
        from: ["approved"],
        actor: "minter",
        reason: `recovered in full by the referrer's open clawbacks (${offset} token units)`,
      });
    } else {
      payable.push(updated!);
    }
  }
  for (const clawback of open) {
    const owed = remaining.get(clawback.id)!;
    if (owed !== BigInt(clawback.outstanding!)) {
      await tx
        .update(rewardAdjustments)
        .set({ outstanding: owed.toString() })
        .where(eq(rewardAdjustments.id, clawback.id));
    }
  }
  return payable;
}

/**
 * A reward that recovered clawbacks is rejected or cancelled: the recoveries go back to their
 * clawbacks (`offset_reversal` rows) and the reward's amount to what it was before them.
 */
export async function releaseOffsets(tx: Tx, rewardIds: string[]): Promise<void> {
  if (rewardIds.length === 0) return;
  // Called once per reward (its offset is zero afterwards, and rejected and cancelled are final).
  const offsets = await tx
    .select()
    .from(rewardAdjustments)
    .where(and(inArray(rewardAdjustments.rewardId, rewardIds), eq(rewardAdjustments.kind, "offset")));
  for (const offset of offsets) {
    await tx.insert(rewardAdjustments).values({
      ...offset,
      id: undefined,
      createdAt: undefined,
      kind: "offset_reversal",
      reason: `reward rejected or cancelled: clawback #${offset.clawbackId} is owed again`,
    });
    await tx
      .update(rewardAdjustments)
      .set({ outstanding: sql`${rewardAdjustments.outstanding} + ${offset.tokenAmount}::numeric` })
      .where(eq(rewardAdjustments.id, offset.clawbackId!));
    await tx
      .update(rewards)
      .set({
        tokenAmount: sql`${rewards.tokenAmount} + ${offset.tokenAmount}::numeric`,
        offsetTokenAmount: sql`${rewards.offsetTokenAmount} - ${offset.tokenAmount}::numeric`,
      })
      .where(eq(rewards.id, offset.rewardId));
  }
}

const keyOf = (row: { referrerUserId: string; token: string; chainId: number }) =>
  `${row.referrerUserId}:${row.token.toLowerCase()}:${row.chainId}`;

/** The fiat value of part of a clawback, for the ledger's display. */
const fiatShare = (clawback: Clawback, take: bigint) =>
  Number((BigInt(clawback.rewardMinor) * take) / BigInt(clawback.tokenAmount!));
