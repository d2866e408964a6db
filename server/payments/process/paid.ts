// A `paid` event: the order becomes paid exactly once, when it is pending and the money matches.
import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { orders, paymentTransactions } from "../../db/schema.ts";
import { enqueueRewardTask } from "../../rewards/tasks/tasks.ts";
import type { PaymentEvent } from "../event.ts";
import { formatMoney, type Handled } from "./outcome.ts";
import { applyRefund } from "./refund.ts";

export async function handlePaid(tx: Tx, event: PaymentEvent, transactionId: number): Promise<Handled> {
  if (event.orderReference === null) {
    return { outcome: "unknown_order", detail: "the event names no order", needsReview: true };
  }
  const [order] = await tx
    .select()
    .from(orders)
    .where(eq(orders.orderReference, event.orderReference))
    .for("update");
  if (!order) {
    return { outcome: "unknown_order", detail: `no order ${event.orderReference}`, needsReview: true };
  }
  const paid = event.amountMinor === null ? "an unknown amount" : formatMoney(event.amountMinor, event.currency);
  const expected = formatMoney(BigInt(order.amountMinor), order.currency);
  if (event.currency !== order.currency || event.amountMinor !== BigInt(order.amountMinor)) {
    return {
      outcome: "amount_mismatch",
      detail: `paid ${paid}, but order ${order.orderReference} is ${expected}: not marked paid`,
      needsReview: true,
    };
  }
  if (order.status === "paid" || (order.status === "refunded" && order.paymentProvider === event.provider)) {
    // Stripe reports one Checkout payment twice (session completed, PaymentIntent succeeded).
    const same = order.paymentProvider === event.provider;
    return {
      outcome: "already_paid",
      detail: same
        ? `order ${order.orderReference} was already paid by ${event.provider}`
        : `order ${order.orderReference} was already paid by ${order.paymentProvider ?? "internal credit"}: paid twice, refund one`,
      needsReview: !same,
    };
  }
  if (order.status !== "pending") {
    return {
      outcome: "order_not_payable",
      detail: `order ${order.orderReference} is ${order.status}: a payment for it needs a refund`,
      needsReview: true,
    };
  }
  await tx
    .update(orders)
    .set({ status: "paid", rail: "fiat", paidAt: event.occurredAt ?? new Date(), paymentProvider: event.provider })
    .where(eq(orders.id, order.id));
  await enqueueRewardTask(tx, order.orderReference);

  // Refunds that arrived before this payment were kept; they apply now, oldest first.
  const deferred = await tx
    .select()
    .from(paymentTransactions)
    .where(
      and(
        eq(paymentTransactions.orderReference, order.orderReference),
        eq(paymentTransactions.provider, event.provider),
        eq(paymentTransactions.outcome, "refund_deferred"),
      ),
    )
    .orderBy(asc(paymentTransactions.id))
    .for("update");
  for (const refund of deferred) {
    const applied = await applyRefund(tx, {
      orderReference: order.orderReference,
      provider: refund.provider,
      kind: refund.kind === "chargeback" ? "chargeback" : "refunded",
      amountMinor: refund.amountMinor === null ? null : BigInt(refund.amountMinor),
      currency: refund.currency,
      refundedTotalMinor: null,
      providerStatus: refund.providerStatus ?? "",
      transactionId: refund.id,
    });
    await tx
      .update(paymentTransactions)
      .set({
        outcome: applied.outcome,
        detail: `${applied.detail} (kept until the payment arrived in delivery #${transactionId})`,
        needsReview: applied.needsReview,
        processedAt: new Date(),
      })
      .where(eq(paymentTransactions.id, refund.id));
  }
  return {
    outcome: "order_paid",
    detail:
      deferred.length > 0
        ? `order ${order.orderReference} paid ${paid}; ${deferred.length} earlier refund(s) applied`
        : `order ${order.orderReference} paid ${paid}`,
    needsReview: false,
    paidOrderReference: order.orderReference,
  };
}
