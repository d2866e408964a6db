// Stripe's amount units versus this system's minor units.
//
// This system's minor unit is the one `currencyExponent` (server/rewards/money.ts) gives: the
// runtime's ICU data (USD 2, JPY 0, KWD 3). Stripe's API amounts follow Stripe's own table
// (https://docs.stripe.com/currencies#minor-units): 0 decimals for its zero-decimal list, 3 for
// its three-decimal list, 2 for everything else. The two agree for USD, EUR, JPY, KWD and most
// currencies, but not all: ICU gives 0 digits to ISK, HUF, IDR, COP, PKR, … while Stripe counts
// those in hundredths (ISK 5000 kr is `amount: 500000` at Stripe). Every amount crossing the
// boundary goes through these two functions, so such an order is neither charged nor credited
// 100 times too little or too much.

import { currencyExponent } from "../../rewards/money.ts";

/** Stripe's zero-decimal currencies: the amount is the number of whole units (¥500 → 500). */
const STRIPE_ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "JPY",
  "KMF",
  "KRW",
  "MGA",
  "PYG",
  "RWF",
  "UGX",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);

/** Stripe's three-decimal currencies (Stripe also wants the last digit to be 0 for these). */
const STRIPE_THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

/** Decimal digits of a Stripe API amount in `currency` (ISO 4217, upper case). */
export function stripeCurrencyExponent(currency: string): number {
  if (STRIPE_ZERO_DECIMAL.has(currency)) return 0;
  if (STRIPE_THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/**
 * A Stripe API amount in this system's minor units, or null when it is not a whole number of
 * them (HUF 10.45 is `1045` at Stripe but this system counts whole forints). Throws
 * UnknownCurrencyError (money.ts) for a code the runtime does not know.
 */
export function fromStripeAmount(stripeAmount: bigint, currency: string): bigint | null {
  return rescale(stripeAmount, stripeCurrencyExponent(currency), currencyExponent(currency));
}

/** An amount in this system's minor units as a Stripe API amount, or null when Stripe cannot
 *  express it (a system with more digits than Stripe for that currency). */
export function toStripeAmount(minor: bigint, currency: string): bigint | null {
  return rescale(minor, currencyExponent(currency), stripeCurrencyExponent(currency));
}

function rescale(amount: bigint, fromDigits: number, toDigits: number): bigint | null {
  if (toDigits >= fromDigits) return amount * 10n ** BigInt(toDigits - fromDigits);
  const divisor = 10n ** BigInt(fromDigits - toDigits);
  return amount % divisor === 0n ? amount / divisor : null;
}
