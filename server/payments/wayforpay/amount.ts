// WayForPay amounts are decimal numbers of major units ("1547.36" UAH); this system counts minor
// units as bigint. Both directions are exact string arithmetic: no float ever holds an amount.

/** A plain decimal: digits, optionally "." and digits. No sign, no exponent, no spaces. */
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Longer than any real amount; keeps a hostile token from becoming a huge bigint. */
const MAX_DECIMAL_LENGTH = 40;

/**
 * The minor units of a decimal amount in a currency with `exponent` minor-unit digits:
 * "1547.36" (2) → 154736n, "1547.3" (2) → 154730n, "149" (2) → 14900n, "1000" (0) → 1000n.
 * Returns an error message (not a number) when `text` is not a plain non-negative decimal or
 * is not a whole number of minor units ("1.234" in a 2-digit currency). Digits past the exponent
 * are accepted only when they are all zeros ("1547.300" = 154730n): that is the same amount,
 * nothing is rounded.
 */
export function decimalToMinor(text: string, exponent: number): bigint | string {
  if (text.length === 0) return "is empty";
  if (text.length > MAX_DECIMAL_LENGTH) return `is longer than ${MAX_DECIMAL_LENGTH} characters`;
  if (text.startsWith("-")) return `must not be negative, got ${JSON.stringify(text)}`;
  const match = DECIMAL.exec(text);
  if (!match) return `must be a plain decimal number such as 1547.36, got ${JSON.stringify(text)}`;
  const whole = match[1]!;
  const fraction = match[2] ?? "";
  const kept = fraction.slice(0, exponent);
  const dropped = fraction.slice(exponent);
  if (/[^0]/.test(dropped)) {
    return `has more than ${exponent} decimal place${exponent === 1 ? "" : "s"} for its currency, got ${JSON.stringify(text)}`;
  }
  return BigInt(whole + kept.padEnd(exponent, "0"));
}

/**
 * The shortest decimal string of `minor` minor units with `exponent` digits: trailing fraction
 * zeros and a bare point are dropped (154736n → "1547.36", 154730n → "1547.3", 100000n → "1000",
 * 5n → "0.05"). The shortest form is what a number-typed amount prints as on either side of the
 * protocol, so a value signed in this form survives being re-read as a number.
 */
export function minorToDecimal(minor: bigint, exponent: number): string {
  if (minor < 0n) throw new RangeError(`minor units must not be negative, got ${minor}`);
  if (exponent === 0) return minor.toString();
  const digits = minor.toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, -exponent);
  const fraction = digits.slice(-exponent).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/**
 * The shortest rendering of a decimal token ("1547.30" → "1547.3", "149.00" → "149",
 * "0.50" → "0.5"); null when `text` is not a plain decimal.
 */
export function shortestDecimal(text: string): string | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  return fraction === "" ? match[1]! : `${match[1]}.${fraction}`;
}
