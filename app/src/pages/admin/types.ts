// The admin API's shapes, as the server's routes define them (server/rewards/routes.ts,
// server/rewards/minter/routes.ts, server/rewards/reconcile/routes.ts).

export { type Reward, type RewardState, rewardStates, type Sizing, sizings } from "../../api/rewards.ts";
import type { RewardState, Sizing, Reward } from "../../api/rewards.ts";

export interface RewardFilter {
  state: RewardState | "";
  sizing: Sizing | "";
  referrer: string;
}

/** POST /api/admin/rewards/approve and /reject: what moved, and the ids that could not. */
export interface Decision {
  moved: Reward[];
  unchanged: string[];
}

/** POST /api/admin/mint: the minter run's summary (the run is awaited by the request). */
export interface MintRun {
  ran: boolean;
  reason?: string;
  reconciled: number;
  sized: number;
  minted: number;
  failed: number;
  deferred: number;
  replaced: number;
  batches: { batchId: string; txHash: string; size: number }[];
}

export interface PriceSource {
  currency: string;
  kind: "aggregator" | "desk";
  feed: string | null;
  maxAgeSeconds: number;
  updatedBy: string;
  updatedAt: string;
}

export interface DeskRate {
  currency: string;
  answer: string;
  decimals: number;
  setBy: string;
  setAt: string;
}

export const findingKinds = [
  "minted_not_paid",
  "paid_terms_differ",
  "paid_not_minted",
  "paid_without_ledger_row",
  "paid_more_than_once",
  "order_ref_mismatch",
  "in_flight",
  "ledger_tx_differs",
  "event_not_found",
] as const;
export type FindingKind = (typeof findingKinds)[number];

export interface Finding {
  kind: FindingKind;
  severity: "mismatch" | "warning";
  orderRef: string;
  orderReference: string | null;
  message: string;
  ledger: {
    rewardId: string;
    orderReference: string;
    state: RewardState;
    referrerWallet: string;
    tokenAmount: string | null;
    txHash: string | null;
    blockNumber: number | null;
  } | null;
  chain: { referrer: string; amount: string; txHash: string | null; blockNumber: number | null } | null;
}

export interface ReconcileReport {
  ok: boolean;
  chainId: number;
  contract: string;
  fromBlock: number;
  toBlock: number;
  checkedAt: string;
  mintingGraceSeconds: number;
  ledgerRows: number;
  onChainPayments: number;
  counts: { mismatches: number; warnings: number; byKind: Partial<Record<FindingKind, number>> };
  findings: Finding[];
  truncated: boolean;
}

// Host events (server/host-events/routes.ts): the endpoints that receive reward events, and the
// delivery log.
export const hostEventTypes = [
  "reward.created",
  "reward.approved",
  "reward.paid",
  "reward.cancelled",
  "reward.clawback",
] as const;
export type HostEventType = (typeof hostEventTypes)[number];

export const deliveryStates = ["pending", "delivered", "failed"] as const;
export type DeliveryState = (typeof deliveryStates)[number];

export interface EventEndpoint {
  id: string;
  url: string;
  description: string | null;
  /** Empty: every type. */
  eventTypes: HostEventType[];
  active: boolean;
  createdAt: string;
}

/** POST /api/admin/event-endpoints: the new endpoint with its signing secret (shown this once). */
export interface CreatedEventEndpoint extends EventEndpoint {
  secret: string;
}

export interface EventDelivery {
  id: number;
  eventId: string;
  eventType: HostEventType;
  rewardId: string;
  endpointId: string;
  state: DeliveryState;
  attempts: number;
  /** Pending deliveries: when the next attempt is due. */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface EventDeliveryAttempt {
  id: number;
  status: number | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
  /** "dispatcher", or "admin:<wallet>" for a re-send. */
  trigger: string;
  at: string;
}

/** GET /api/admin/event-deliveries/{id}: the exact body every attempt POSTs, and every attempt,
 *  newest first. */
export interface EventDeliveryDetail extends EventDelivery {
  body: string;
  log: EventDeliveryAttempt[];
}

export interface DeliveryFilter {
  state: DeliveryState | "";
  endpointId: string;
}
