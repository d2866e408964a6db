// The shapes the dashboard reads from the server (server/refcodes/routes.ts,
// server/rewards/routes.ts, server/rewards/adjustments-routes.ts, server/analytics/schema.ts).

export { type Reward, type RewardState, rewardStates } from "../../api/rewards.ts";
import type { RewardState } from "../../api/rewards.ts";

export interface Refcode {
  code: string;
  kind: "generated" | "vanity";
  wallet: string;
  active: boolean;
  /** The server's share link (its public URL); the page shows one for the current origin. */
  url: string;
  createdAt: string;
  deactivatedAt: string | null;
}

export type AdjustmentKind = "refund" | "clawback" | "offset" | "offset_reversal";

export interface Adjustment {
  id: number;
  kind: AdjustmentKind;
  rewardId: string;
  orderReference: string;
  clawbackId: number | null;
  /** Magnitude in wei; null while the reward was unsized. */
  tokenAmount: string | null;
  rewardMinor: number;
  currency: string;
  outstanding: string | null;
  token: string;
  chainId: number;
  reason: string | null;
  createdAt: string;
}

export interface Adjustments {
  adjustments: Adjustment[];
  owed: { token: string; chainId: number; outstanding: string }[];
}

export interface PaidOnChain {
  count: number;
  tokenAmount: string;
}

export interface FunnelCounts {
  visits: number;
  uniqueVisitors: number;
  signups: number;
  orders: number;
  attributedOrders: number;
  rewards: { state: RewardState; count: number; tokenAmount: string }[];
  paidOnChain: PaidOnChain | null;
}

export interface Day {
  day: string;
  visits: number;
  signups: number;
  orders: number;
  attributedOrders: number;
  rewards: number;
  rewardTokenAmount: string;
  paidOnChain: PaidOnChain | null;
}

export interface Analytics {
  funnel: {
    from: string;
    to: string;
    total: FunnelCounts;
    byCode: { code: string; active: boolean; counts: Omit<FunnelCounts, "rewards" | "paidOnChain"> }[];
  };
  daily: Day[];
}
