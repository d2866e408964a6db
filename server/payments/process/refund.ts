// A `refunded` or `chargeback` event: the order's refunded total grows by this event's amount,
// and the reward follows (cancelled or reduced before payout, a clawback after). A refund for an
// order that is not paid yet is kept and applied when the payment arrives (see batch.ts).
import { and, eq, isNotNull, or } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { orders, paymentTransactions } from "../../db/schema.ts";
import { applyRefundToReward, type RewardRefundEffect } from "../../rewards/ledger/refund.ts";
import type { PaymentEvent, PaymentProvider } from "../event.ts";
import { formatMoney } from "../../rewards/money.ts";
import type { Handled } from "./outcome.ts";

export interface RefundInput {
  orderReference: string;
  provider: PaymentProvider;
  kind: "refunded" | "chargeback";
  /** This event's amount; null when the provider did not say (then `refundedTotalMinor`, else all). */
  amountMinor: bigint | null;
  currency: string | null;
  /** Stripe: the charge's cumulative refunded amount, when the event's own amount is unknown. */
  refundedTotalMinor: bigint | null;
  providerStatus: string;
  transactionId: number;
}

/** The order of a refund: named by the event, or found through a payment id a paid event recorded. */
export async function refundOrderReference(
  tx: Tx,
  event: PaymentEvent,
  ids: { paymentId: string | null; chargeId: string | null },
): Promise<string | null> {
  if (event.orderReference !== null) return event.orderReference;
  const matches = [
    ids.paymentId === null ? undefined : eq(paymentTransactions.paymentId, ids.paymentId),
    ids.chargeId === null ? undefined : eq(paymentTransactions.chargeId, ids.chargeId),
  ].filter((condition) => condition !== undefined);
  if (matches.length === 0) return null;
  const [known] = await tx
    .select({ orderReference: paymentTransactions.orderReference })
    .from(paymentTransactions)
    .where(
      and(
        eq(paymentTransactions.provider, event.provider),
        isNotNull(paymentTransactions.orderReference),
        or(...matches),
      ),
    )
    .limit(1);
  return known?.orderReference ?? null;
}

export async function applyRefund(tx: Tx, input: RefundInput): Promise<Handled> {
  const what = input.kind === "chargeback" ? "chargeback" : "refund";
  const [order] = await tx.select().from(orders).where(eq(orders.orderReference, input.orderReference)).for("update");
  if (!order) {
    return {
      outcome: "refund_deferred",
      detail: `${what} for order ${input.orderReference}, which does not exist (yet): kept`,
      needsReview: true,
      processed: false,
    };
  }
  if (input.currency !== null && input.currency !== order.currency) {
    return {
      outcome: "amount_mismatch",
      detail: `${what} in ${input.currency}, but order ${order.orderReference} is in ${order.currency}: not applied`,
      needsReview: true,
    };
  }
  if (order.status === "pending") {
    return {
      outcome: "refund_deferred",
      detail: `${what} before order ${order.orderReference} was paid: kept until the payment arrives`,
      needsReview: false,
      processed: false,
    };
  }
  if (order.paymentProvider !== input.provider) {
    return {
      outcome: "provider_mismatch",
      detail: `${what} from ${input.provider}, but order ${order.orderReference} was paid by ${order.paymentProvider ?? "internal credit"}: not applied`,
      needsReview: true,
    };
  }
  const total = BigInt(order.amountMinor);
  const before = BigInt(order.refundedMinor);
  if (before >= total) {
    return {
      outcome: "already_refunded",
      detail: `order ${order.orderReference} is refunded in full`,
      needsReview: false,
    };
  }
  const asked =
    input.amountMinor ??
    (input.refundedTotalMinor !== null ? maxOf(input.refundedTotalMinor - before, 0n) : total - before);
  if (asked === 0n) {
    return {
      outcome: "already_refunded",
      detail: `this ${what} adds nothing to what was refunded`,
      needsReview: false,
    };
  }
  const after = before + asked > total ? total : before + asked;
  await tx
    .update(orders)
    .set({ refundedMinor: Number(after), ...(after === total ? { status: "refunded" as const } : {}) })
    .where(eq(orders.id, order.id));
  const summary = `${what} of ${formatMoney(after - before, order.currency)} (${formatMoney(after, order.currency)} of ${formatMoney(total, order.currency)} refunded)`;
  const effect = await applyRefundToReward(tx, {
    orderReference: order.orderReference,
    refundedMinor: Number(after),
    paymentTransactionId: input.transactionId,
    reason: `${input.provider} ${input.providerStatus}: ${summary}`,
  });
  const capped = before + asked > total;
  return {
    outcome: "refund_applied",
    detail: `${summary}; reward ${describe(effect)}${capped ? `; ${formatMoney(asked, order.currency)} asked exceeds what was left` : ""}`,
    needsReview: capped,
  };
}

const maxOf = (a: bigint, b: bigint) => (a > b ? a : b);

function describe(effect: RewardRefundEffect): string {
  switch (effect.effect) {
    case "no_reward":
      return "not created yet: it will start from what is left";
    case "unchanged":
      return `unchanged (${effect.reward.state})`;
    case "reduced":
      return `reduced to ${effect.reward.rewardMinor} minor units`;
    case "cancelled":
      return "cancelled";
    case "clawback":
      return `already paid: clawback of ${effect.tokenAmount} token units`;
  }
}
