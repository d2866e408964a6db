import type { paymentOutcomes } from "../../db/schema.ts";
import { currencyExponent, isKnownCurrency } from "../../rewards/money.ts";
import { minorToDecimal } from "../wayforpay/amount.ts";

export type PaymentOutcome = (typeof paymentOutcomes)[number];

/** What handling one event did, for its payment_transactions row. */
export interface Handled {
  outcome: PaymentOutcome;
  detail: string;
  needsReview: boolean;
  /** Set when this event paid the order: its reward task runs after the commit. */
  paidOrderReference?: string;
  /** False while a refund waits for its order (processed_at stays null). */
  processed?: boolean;
}

/** "1547.30 UAH" for humans (and the ledger's detail column). */
export function formatMoney(amountMinor: bigint, currency: string | null): string {
  if (currency === null || !isKnownCurrency(currency)) return `${amountMinor} minor units`;
  const exponent = currencyExponent(currency);
  const text = minorToDecimal(amountMinor, exponent);
  const [whole, fraction = ""] = text.split(".");
  return `${exponent === 0 ? whole : `${whole}.${fraction.padEnd(exponent, "0")}`} ${currency}`;
}
