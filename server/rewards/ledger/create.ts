// Turning a paid order into a reward, exactly once: a unique key on the order reference, a
// short-circuit here, and `paidOrders` on-chain at mint time are the three layers.
import { eq } from "drizzle-orm";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import type { Db } from "../../db/client.ts";
import { orders, rewards, rewardTransitions } from "../../db/schema.ts";
import type { OrderRow } from "../hook.ts";
import { type CommissionProgram, computeCommission } from "../money.ts";
import type { RewardRow } from "./transition.ts";
import { shareOfRemainder } from "./amounts.ts";
import { netOfRefunds, type Sizer, sizeReward } from "./size.ts";

export interface LedgerSettings {
  program: CommissionProgram;
  /** Fiat rewards become approvable automatically this long after creation; undefined = never. */
  fiatAutoApproveSeconds: number | undefined;
  token: string;
  chainId: number;
}

export type CreateRewardResult =
  | { created: true; reward: RewardRow }
  | { created: false; reward: RewardRow }
  | { created: false; reward: undefined; reason: string };

export async function createRewardForOrder(
  db: Db,
  sizer: Sizer,
  settings: LedgerSettings,
  order: OrderRow,
): Promise<CreateRewardResult> {
  if (order.status !== "paid" || !order.rail) {
    return { created: false, reward: undefined, reason: `order is ${order.status}, not paid` };
  }
  if (order.attribution !== "accepted" || !order.referrerUserId || !order.referrerWallet) {
    return {
      created: false,
      reward: undefined,
      reason: order.attribution === "rejected" ? `attribution rejected: ${order.attributionReason}` : "no referral",
    };
  }
  const [existing] = await db.select().from(rewards).where(eq(rewards.orderReference, order.orderReference));
  if (existing) return { created: false, reward: existing };

  const { rewardMinor: grossRewardMinor, commissionBps } = computeCommission(
    { kind: order.kind, amountMinor: order.amountMinor, lineItems: order.lineItems as never[] },
    settings.program,
  );
  // Priced before the transaction: no lock is held across an RPC read.
  const sizing = await sizeReward(sizer, { currency: order.currency, rewardMinor: grossRewardMinor });
  const state = order.rail === "crypto" ? "approved" : "pending_approval";
  return db.transaction(async (tx) => {
    // A refund locks the order row to apply itself to the reward; reading the refunded amount
    // under a share lock means the reward is either created before the refund (which then finds
    // and adjusts it) or after it (and starts from what is left).
    const [current] = await tx
      .select({ refundedMinor: orders.refundedMinor })
      .from(orders)
      .where(eq(orders.orderReference, order.orderReference))
      .for("share");
    const refundedMinor = current?.refundedMinor ?? order.refundedMinor;
    if (refundedMinor >= order.amountMinor) {
      return { created: false as const, reward: undefined, reason: "refunded in full before the reward was created" };
    }
    const base = BigInt(order.amountMinor);
    const refunded = BigInt(refundedMinor);
    const netSizing = netOfRefunds(sizing, { baseAmountMinor: order.amountMinor, refundedMinor });
    const [reward] = await tx
      .insert(rewards)
      .values({
        orderReference: order.orderReference,
        orderRef: orderRefOf(order.orderReference),
        kind: order.kind,
        refcodeId: order.refcodeId,
        referralCode: order.referralCode,
        referrerUserId: order.referrerUserId!,
        referrerWallet: order.referrerWallet!,
        refereeUserId: order.buyerUserId,
        baseAmountMinor: order.amountMinor,
        currency: order.currency,
        commissionBps,
        grossRewardMinor: Number(grossRewardMinor),
        refundedMinor,
        rewardMinor: Number(shareOfRemainder(grossRewardMinor, base, refunded)),
        ...netSizing,
        token: settings.token,
        chainId: settings.chainId,
        rail: order.rail!,
        state,
        approveAfter:
          state === "pending_approval" && settings.fiatAutoApproveSeconds !== undefined
            ? new Date(Date.now() + settings.fiatAutoApproveSeconds * 1000)
            : null,
      })
      .onConflictDoNothing({ target: rewards.orderReference })
      .returning();
    if (!reward) {
      const [winner] = await tx.select().from(rewards).where(eq(rewards.orderReference, order.orderReference));
      return { created: false as const, reward: winner! };
    }
    await tx.insert(rewardTransitions).values({
      rewardId: reward.id,
      fromState: null,
      toState: state,
      actor: "system:order-paid",
      reason: order.rail === "crypto" ? "internal credit: approved at once" : "fiat: awaiting approval",
    });
    return { created: true as const, reward };
  });
}
