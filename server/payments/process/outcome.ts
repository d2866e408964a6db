import type { paymentOutcomes } from "../../db/schema.ts";

export type PaymentOutcome = (typeof paymentOutcomes)[number];

/** What handling one event did, for its payment_transactions row. */
export interface Handled {
  outcome: PaymentOutcome;
  detail: string;
  needsReview: boolean;
  /** False while a refund waits for its order (processed_at stays null). */
  processed?: boolean;
}
