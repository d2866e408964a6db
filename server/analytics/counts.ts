// One group's funnel figures (a code, a referrer, a day or the total) as the GraphQL types give
// them, and how the aggregate rows fold into them. Additive figures of codes sum to a referrer's
// and to the total; distinct visitors are counted per level by PostgreSQL instead.
import { attributionReasons, rewardStates } from "../db/schema.ts";

type RewardState = (typeof rewardStates)[number];
type Reason = (typeof attributionReasons)[number];

export interface PaidOnChain {
  count: number;
  tokenAmount: bigint;
}

export interface RewardStateTotal {
  state: RewardState;
  count: number;
  tokenAmount: bigint;
  amounts: { currency: string; amountMinor: bigint }[];
}

export interface FunnelCounts {
  visits: number;
  uniqueVisitors: number;
  signups: number;
  orders: number;
  attributedOrders: number;
  rejectedAttributions: { reason: Reason; count: number }[];
  rewards: RewardStateTotal[];
  /** null: the indexer's views do not exist. */
  paidOnChain: PaidOnChain | null;
}

/** Zeros for every figure, with every reason and state listed (a chart needs no gaps). */
export function emptyCounts(paidKnown: boolean): FunnelCounts {
  return {
    visits: 0,
    uniqueVisitors: 0,
    signups: 0,
    orders: 0,
    attributedOrders: 0,
    rejectedAttributions: attributionReasons.map((reason) => ({ reason, count: 0 })),
    rewards: rewardStates.map((state) => ({ state, count: 0, tokenAmount: 0n, amounts: [] })),
    paidOnChain: paidKnown ? { count: 0, tokenAmount: 0n } : null,
  };
}

export function addOrders(counts: FunnelCounts, row: { attribution: string; reason: string | null; orders: number }) {
  counts.orders += row.orders;
  if (row.attribution === "accepted") counts.attributedOrders += row.orders;
  const rejection = counts.rejectedAttributions.find((entry) => entry.reason === row.reason);
  if (row.attribution === "rejected" && rejection) rejection.count += row.orders;
}

export function addRewards(
  counts: FunnelCounts,
  row: { state: string; currency: string; rewards: number; token_amount: string; reward_minor: string },
) {
  const total = counts.rewards.find((entry) => entry.state === row.state);
  if (!total) return;
  addStateTotal(total, {
    count: row.rewards,
    tokenAmount: BigInt(row.token_amount),
    amounts: [{ currency: row.currency, amountMinor: BigInt(row.reward_minor) }],
  });
}

function addStateTotal(into: RewardStateTotal, from: Omit<RewardStateTotal, "state">) {
  into.count += from.count;
  into.tokenAmount += from.tokenAmount;
  for (const { currency, amountMinor } of from.amounts) {
    const existing = into.amounts.find((amount) => amount.currency === currency);
    if (existing) existing.amountMinor += amountMinor;
    else into.amounts.push({ currency, amountMinor });
  }
  into.amounts.sort((a, b) => a.currency.localeCompare(b.currency));
}

export function addPaid(counts: FunnelCounts, row: { payouts: number; amount: string }) {
  if (!counts.paidOnChain) return;
  counts.paidOnChain.count += row.payouts;
  counts.paidOnChain.tokenAmount += BigInt(row.amount);
}

/** Adds the additive figures of `from` into `into` (not the distinct visitors). */
export function addCounts(into: FunnelCounts, from: FunnelCounts) {
  into.visits += from.visits;
  into.signups += from.signups;
  into.orders += from.orders;
  into.attributedOrders += from.attributedOrders;
  from.rejectedAttributions.forEach((entry, i) => (into.rejectedAttributions[i]!.count += entry.count));
  from.rewards.forEach((entry, i) => addStateTotal(into.rewards[i]!, entry));
  if (into.paidOnChain && from.paidOnChain) {
    into.paidOnChain.count += from.paidOnChain.count;
    into.paidOnChain.tokenAmount += from.paidOnChain.tokenAmount;
  }
}
