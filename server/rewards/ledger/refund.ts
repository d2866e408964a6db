// A refund or chargeback of an order, applied to its reward. Before payout the reward shrinks to
// its share of what is left of the order (or is cancelled when nothing is left); once paid (or
// being paid, or settled by offsets) the referrer owes the difference: a clawback, recovered from
// their next rewards.
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { rewardAdjustments, rewards } from "../../db/schema.ts";
import { shareOfRemainder } from "./amounts.ts";
import { recordClawback } from "./clawbacks.ts";
import { type RewardRow, type RewardState, transitionRewards } from "./transition.ts";

export interface RewardRefund {
  orderReference: string;
  /** The order's refunded total after this refund (cumulative, minor units). */
  refundedMinor: number;
  paymentTransactionId: number | null;
  /** e.g. "stripe charge.refunded: 25.00 of 100.00 USD". */
  reason: string;
}

export type RewardRefundEffect =
  | { effect: "no_reward" }
  | { effect: "unchanged"; reward: RewardRow }
  | { effect: "reduced"; reward: RewardRow }
  | { effect: "cancelled"; reward: RewardRow }
  | { effect: "clawback"; reward: RewardRow; tokenAmount: bigint };

/** Payout happened or may happen with the current amount: a refund becomes a clawback. */
const PAID_STATES: readonly RewardState[] = ["minting", "minted", "offset"];
const UNPAID_STATES: readonly RewardState[] = ["pending_approval", "approved", "failed"];

/**
 * Applies the order's new refunded total to its reward, in the caller's transaction (which holds
 * the order's row lock). Idempotent: a total the reward already reflects changes nothing.
 */
export async function applyRefundToReward(tx: Tx, refund: RewardRefund): Promise<RewardRefundEffect> {
  const [reward] = await tx
    .select()
    .from(rewards)
    .where(eq(rewards.orderReference, refund.orderReference))
    .for("update");
  // No reward yet: the reward task creates it from the order's refunded total.
  if (!reward) return { effect: "no_reward" };
  if (refund.refundedMinor <= reward.refundedMinor) return { effect: "unchanged", reward };

  const base = BigInt(reward.baseAmountMinor);
  const before = BigInt(reward.refundedMinor);
  const after = BigInt(refund.refundedMinor);
  const minorBefore = shareOfRemainder(BigInt(reward.grossRewardMinor), base, before);
  const minorAfter = shareOfRemainder(BigInt(reward.grossRewardMinor), base, after);
  const grossToken = reward.grossTokenAmount === null ? null : BigInt(reward.grossTokenAmount);

  if (PAID_STATES.includes(reward.state)) {
    const owed =
      grossToken === null ? 0n : shareOfRemainder(grossToken, base, before) - shareOfRemainder(grossToken, base, after);
    const [updated] = await tx
      .update(rewards)
      .set({ refundedMinor: refund.refundedMinor, updatedAt: sql`now()` })
      .where(eq(rewards.id, reward.id))
      .returning();
    if (owed > 0n) {
      await recordClawback(tx, {
        reward,
        tokenAmount: owed,
        rewardMinor: Number(minorBefore - minorAfter),
        paymentTransactionId: refund.paymentTransactionId,
        reason: refund.reason,
      });
    }
    return { effect: "clawback", reward: updated!, tokenAmount: owed };
  }

  if (!UNPAID_STATES.includes(reward.state)) {
    // Rejected or cancelled already: only the record of the refund changes.
    const [updated] = await tx
      .update(rewards)
      .set({ refundedMinor: refund.refundedMinor, updatedAt: sql`now()` })
      .where(eq(rewards.id, reward.id))
      .returning();
    return { effect: "unchanged", reward: updated! };
  }

  const offset = BigInt(reward.offsetTokenAmount);
  const tokenAfter = grossToken === null ? null : shareOfRemainder(grossToken, base, after) - offset;
  const nothingLeft = after === base || minorAfter === 0n || (tokenAfter !== null && tokenAfter <= 0n);
  await tx.insert(rewardAdjustments).values({
    kind: "refund",
    rewardId: reward.id,
    referrerUserId: reward.referrerUserId,
    token: reward.token,
    chainId: reward.chainId,
    orderReference: reward.orderReference,
    paymentTransactionId: refund.paymentTransactionId,
    tokenAmount:
      reward.tokenAmount === null ? null : (BigInt(reward.tokenAmount) - (nothingLeft ? 0n : tokenAfter!)).toString(),
    rewardMinor: Number(minorBefore - (nothingLeft ? 0n : minorAfter)),
    currency: reward.currency,
    reason: refund.reason,
  });
  if (nothingLeft) {
    const [cancelled] = await transitionRewards(tx, {
      ids: [reward.id],
      to: "cancelled",
      from: UNPAID_STATES,
      actor: "system:refund",
      reason:
        after === base ? `order refunded in full: ${refund.reason}` : `refunds left nothing to pay: ${refund.reason}`,
      set: { refundedMinor: refund.refundedMinor },
    });
    return { effect: "cancelled", reward: cancelled! };
  }
  const [updated] = await tx
    .update(rewards)
    .set({
      refundedMinor: refund.refundedMinor,
      rewardMinor: Number(minorAfter),
      ...(tokenAfter === null ? {} : { tokenAmount: tokenAfter.toString() }),
      updatedAt: sql`now()`,
    })
    .where(eq(rewards.id, reward.id))
    .returning();
  return { effect: "reduced", reward: updated! };
}
