// Small display helpers of the admin console.
export const shortHex = (value: string) => (value.length > 14 ? `${value.slice(0, 8)}…${value.slice(-6)}` : value);

/** How many minor units a currency has (USD 2, JPY 0), from Intl; 2 when unknown. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export const minorToMajor = (amountMinor: number, currency: string) => amountMinor / 10 ** currencyDigits(currency);

/** A desk rate `answer / 10^decimals` as a decimal string, exactly. */
export function rateToDecimal(answer: string, decimals: number): string {
  if (decimals === 0) return answer;
  const padded = answer.padStart(decimals + 1, "0");
  const whole = padded.slice(0, -decimals);
  const fraction = padded.slice(-decimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/** A positive decimal ("1.25") as the desk rate's integer answer and decimals; null if not one. */
export function decimalToRate(text: string): { answer: string; decimals: number } | null {
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  const answer = `${match[1]}${fraction}`.replace(/^0+/, "");
  if (!answer || fraction.length > 36) return null;
  return { answer, decimals: fraction.length };
}

export const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
