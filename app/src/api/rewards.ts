// A reward as the server's API returns it (server/rewards/routes.ts), for every page that lists
// rewards: the referrer's dashboard and the admin console.

export const rewardStates = [
  "pending_approval",
  "approved",
  "minting",
  "minted",
  "rejected",
  "cancelled",
  "failed",
  "offset",
] as const;
export type RewardState = (typeof rewardStates)[number];

export const sizings = ["sized", "pending_price"] as const;
export type Sizing = (typeof sizings)[number];

export interface Reward {
  id: string;
  orderReference: string;
  orderRef: string;
  kind: "store" | "membership";
  state: RewardState;
  sizing: Sizing;
  sizingError: string | null;
  referralCode: string | null;
  referrerWallet: string;
  baseAmountMinor: number;
  currency: string;
  commissionBps: number;
  grossRewardMinor: number;
  refundedMinor: number;
  rewardMinor: number;
  /** `answer / 10^decimals` currency units per token. */
  price: { answer: string; decimals: number; source: string; round: string | null; at: string } | null;
  grossTokenAmount: string | null;
  offsetTokenAmount: string;
  tokenAmount: string | null;
  token: string;
  chainId: number;
  rail: "fiat" | "crypto";
  approveAfter: string | null;
  txHash: string | null;
  blockNumber: number | null;
  mintedAt: string | null;
  lastError: string | null;
  createdAt: string;
}
