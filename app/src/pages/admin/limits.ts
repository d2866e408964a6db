// The contract's limits as the admin types them: token amounts in whole tokens (18 decimals) and
// the window in seconds, checked against setLimits' types (uint96, uint96, uint32) and its rule
// that a budget and a duration go together (ReferralRewards__InvalidWindow).
import { formatUnits, parseUnits } from "viem";

const TOKEN_DECIMALS = 18;
const UINT96_MAX = 2n ** 96n - 1n;
const UINT32_MAX = 2 ** 32 - 1;

export interface LimitsInput {
  maxPerPayment: string;
  windowBudget: string;
  windowDuration: string;
}

export type LimitsErrors = Partial<Record<keyof LimitsInput, "amount" | "tooLarge" | "duration" | "pair">>;

export const limitsToInput = (limits: readonly [bigint, bigint, number]): LimitsInput => ({
  maxPerPayment: formatUnits(limits[0], TOKEN_DECIMALS),
  windowBudget: formatUnits(limits[1], TOKEN_DECIMALS),
  windowDuration: String(limits[2]),
});

function amount(text: string): bigint | "amount" | "tooLarge" {
  const value = text.trim() || "0";
  if (!/^\d+(\.\d+)?$/.test(value)) return "amount";
  const [, fraction = ""] = value.split(".");
  if (fraction.length > TOKEN_DECIMALS) return "amount";
  const wei = parseUnits(value, TOKEN_DECIMALS);
  return wei > UINT96_MAX ? "tooLarge" : wei;
}

export function parseLimits(
  input: LimitsInput,
): { ok: true; args: readonly [bigint, bigint, number] } | { ok: false; errors: LimitsErrors } {
  const errors: LimitsErrors = {};
  const max = amount(input.maxPerPayment);
  const budget = amount(input.windowBudget);
  const durationText = input.windowDuration.trim() || "0";
  const duration = /^\d+$/.test(durationText) ? Number(durationText) : NaN;
  if (typeof max === "string") errors.maxPerPayment = max;
  if (typeof budget === "string") errors.windowBudget = budget;
  if (!Number.isSafeInteger(duration) || duration > UINT32_MAX) errors.windowDuration = "duration";
  else if (typeof budget === "bigint" && (budget === 0n) !== (duration === 0)) errors.windowDuration = "pair";
  if (typeof max !== "bigint" || typeof budget !== "bigint" || Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, args: [max, budget, duration] as const };
}
