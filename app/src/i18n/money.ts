// Amounts as the server keeps them, as exact decimal strings: fiat in the currency's minor units
// (its ISO 4217 exponent, as the server's money.ts reads it from Intl), prices as answer / 10^decimals.
import { formatUnits } from "viem";

const exponents = new Map<string, number>();

function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    try {
      exponent = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits!;
    } catch {
      exponent = 2;
    }
    exponents.set(currency, exponent);
  }
  return exponent;
}

/** Minor units as an exact decimal string in major units: 1234 USD → "12.34". */
export function minorToDecimal(amountMinor: number | bigint | string, currency: string): string {
  const exponent = currencyExponent(currency);
  const value = BigInt(amountMinor);
  const sign = value < 0n ? "-" : "";
  const digits = (value < 0n ? -value : value).toString().padStart(exponent + 1, "0");
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** A price or desk rate (`answer / 10^decimals` currency units per token) as an exact decimal string. */
export function priceToDecimal(price: { answer: string; decimals: number }): string {
  return formatUnits(BigInt(price.answer), price.decimals);
}
