// Splits claimed rewards by what the contract will accept now, so no batch reverts on a limit:
// an amount it can never take fails with the reason; one the window budget cannot take yet
// waits for the next window.
import type { ContractLimits } from "../onchain.ts";

const UINT96_MAX = 2n ** 96n - 1n;

export interface BatchPlan<T> {
  payable: T[];
  unpayable: { row: T; reason: string }[];
  /** Fits the per-payment maximum but not what is left of the window budget. */
  deferred: T[];
}

export function planBatch<T extends { tokenAmount: string | null }>(
  rows: readonly T[],
  limits: ContractLimits,
): BatchPlan<T> {
  const plan: BatchPlan<T> = { payable: [], unpayable: [], deferred: [] };
  let budget = limits.windowRemaining;
  for (const row of rows) {
    const amount = BigInt(row.tokenAmount ?? 0);
    if (amount <= 0n) plan.unpayable.push({ row, reason: "token amount is zero" });
    else if (amount > UINT96_MAX) plan.unpayable.push({ row, reason: `token amount ${amount} does not fit in uint96` });
    else if (limits.maxPerPayment !== 0n && amount > limits.maxPerPayment) {
      plan.unpayable.push({
        row,
        reason: `token amount ${amount} is above the contract's maxPerPayment ${limits.maxPerPayment}`,
      });
    } else if (amount > budget) plan.deferred.push(row);
    else {
      plan.payable.push(row);
      budget -= amount;
    }
  }
  return plan;
}
