// A `paid` event against the order as it stands: the order becomes paid exactly once, when it is
// pending and the money matches. Pure: the batch writes what this decides.
import type { OrderRow } from "../../rewards/hook.ts";
import type { PaymentEvent } from "../event.ts";
import { formatMoney } from "../../rewards/money.ts";
import type { Handled } from "./outcome.ts";

export function decidePaid(order: OrderRow | undefined, event: PaymentEvent): Handled {
  if (event.orderReference === null) {
    return { outcome: "unknown_order", detail: "the event names no order", needsReview: true };
  }
  if (!order) {
    return { outcome: "unknown_order", detail: `no order ${event.orderReference}`, needsReview: true };
  }
  const paid = event.amountMinor === null ? "an unknown amount" : formatMoney(event.amountMinor, event.currency);
  if (event.currency !== order.currency || event.amountMinor !== BigInt(order.amountMinor)) {
    const expected = formatMoney(BigInt(order.amountMinor), order.currency);
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
  return {
    outcome: "order_paid",
    detail: `order ${order.orderReference} paid ${paid}`,
    needsReview: false,
  };
}
