// What a payment provider's webhook says, once verified and normalised: the one shape the
// processing path (mark paid, create the reward, cancel or claw back) works on, whichever
// provider sent it.

export const paymentProviders = ["wayforpay", "stripe"] as const;
export type PaymentProvider = (typeof paymentProviders)[number];

/**
 * - `paid`: the money is captured; the order can become paid.
 * - `refunded`: money went back to the buyer (full or partial: see `amountMinor`).
 * - `chargeback`: the buyer disputed the payment.
 * - `declined` / `expired`: the payment will not happen.
 * - `pending`: still in progress; nothing to do yet.
 * - `ignored`: an event type this system does not act on (answered 200, stored).
 */
export const paymentEventKinds = [
  "paid",
  "refunded",
  "chargeback",
  "declined",
  "expired",
  "pending",
  "ignored",
] as const;
export type PaymentEventKind = (typeof paymentEventKinds)[number];

export interface PaymentEvent {
  provider: PaymentProvider;
  /** Unique per provider for one event: the idempotency key of the delivery (with the provider). */
  providerEventId: string;
  kind: PaymentEventKind;
  /** The order this event is about; null when the event names none (e.g. an ignored type). */
  orderReference: string | null;
  /**
   * Minor units (integer, never a float): for `paid` the amount captured; for `refunded` and
   * `chargeback` the amount returned by this event (not cumulative); null when unknown.
   */
  amountMinor: bigint | null;
  /** ISO 4217, upper case. */
  currency: string | null;
  /** The provider's own status or event type, as sent (for the ledger and for humans). */
  providerStatus: string;
  /** When the provider says it happened, if it says. */
  occurredAt: Date | null;
}
