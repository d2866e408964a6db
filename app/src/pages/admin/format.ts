// Desk rates as the admin types them, and the address shape the admin's forms check.

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
