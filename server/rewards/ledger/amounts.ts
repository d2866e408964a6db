// A reward follows what is left of its order after refunds: the gross amount (fiat or tokens)
// scaled by (base − refunded) / base, rounded down. Always computed from the gross, so a series
// of partial refunds never compounds rounding.

/** `gross` × (base − refunded) / base, rounded down; 0 once the order is refunded in full. */
export function shareOfRemainder(gross: bigint, baseMinor: bigint, refundedMinor: bigint): bigint {
  if (baseMinor <= 0n) throw new RangeError(`base amount must be positive, got ${baseMinor}`);
  if (refundedMinor < 0n || refundedMinor > baseMinor) {
    throw new RangeError(`refunded ${refundedMinor} is outside 0..${baseMinor}`);
  }
  return (gross * (baseMinor - refundedMinor)) / baseMinor;
}
