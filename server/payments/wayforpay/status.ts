// WayForPay's transactionStatus → the kind of payment event this system acts on.
// Statuses: https://wiki.wayforpay.com/en/view/852131 ("Codes of responses", Statuses of transaction).

import type { PaymentEventKind } from "../event.ts";

/**
 * Keys are lower case: the documentation's own table writes `inProcessing` while its SDKs and
 * callbacks use `InProcessing`, so the lookup ignores case (the event keeps the status as sent).
 *
 * - `Approved` (money withdrawn from the card) → paid.
 * - `Refunded` / `Voided` (refund, or a hold released) → refunded.
 * - `Declined` → declined; `Expired` (payment term expired) → expired.
 * - `InProcessing` (still at the gateway), `Pending` (anti-fraud check), `WaitingAuthComplete`
 *   (a successful hold awaiting Settle: the money is blocked, not captured) and
 *   `RefundInProcessing` (a refund waiting for funds on the shop balance: nothing returned yet)
 *   → pending: a final status follows.
 */
const kinds: ReadonlyMap<string, PaymentEventKind> = new Map([
  ["approved", "paid"],
  ["refunded", "refunded"],
  ["voided", "refunded"],
  // The documentation's table lists the two as one row, "Refunded/Voided"; should that ever be
  // sent verbatim, it still means the money went back.
  ["refunded/voided", "refunded"],
  ["declined", "declined"],
  ["expired", "expired"],
  ["inprocessing", "pending"],
  ["pending", "pending"],
  ["waitingauthcomplete", "pending"],
  ["refundinprocessing", "pending"],
]);

/**
 * The event kind of a WayForPay `transactionStatus`. A status not in the documented list maps to
 * `ignored`, not to an error: the callback is authentic (its signature checked), so refusing it
 * would only make WayForPay redeliver it for days; it is answered, stored with its status as sent,
 * and nothing acts on it until someone maps the new status.
 */
export function transactionStatusKind(status: string): PaymentEventKind {
  return kinds.get(status.toLowerCase()) ?? "ignored";
}
