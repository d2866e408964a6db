// The analytics GraphQL schema (SDL) and its resolvers. Read-only: queries only, no mutations.
import { createSchema } from "graphql-yoga";
import type { Db } from "../db/client.ts";
import { type Funnel, loadDaily, loadFunnel, type ReferrerRef } from "./funnel.ts";
import { createPayoutView } from "./payout-view.ts";
import { badInput, BigIntScalar, DateScalar, dayRange, MAX_RANGE_DAYS } from "./range.ts";
import type { ReconciliationStatus } from "./reconciliation.ts";
import { requireAdmin, resolveScope, type Viewer } from "./scope.ts";
import { loadTopReferrers, MAX_TOP_REFERRERS } from "./top-referrers.ts";

/** byCode and byReferrer list at most this many: an admin's funnel covers every code. */
const MAX_LIST_LIMIT = 500;

function listLimit(field: string, limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw badInput(`${field}.limit: expected 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
  }
  return limit;
}

export const typeDefs = /* GraphQL */ `
  scalar Date
  scalar BigInt

  "UTC days, both ends included; at most ${MAX_RANGE_DAYS} days."
  input DateRange {
    from: Date!
    to: Date!
  }

  type Query {
    """
    The funnel over \`range\`, per code, per referrer and in total. A referrer sees only their own
    codes (asking for another's code or wallet is refused); an admin sees every code, or one
    \`code\`, or one \`referrer\` (any wallet linked to the account).
    """
    funnel(range: DateRange!, code: String, referrer: String): Funnel!
    "One row per UTC day of \`range\`, every day listed (zeros included), over the same scope as \`funnel\`."
    daily(range: DateRange!, code: String, referrer: String): [Day!]!
    """
    Admins only. Referrers ranked by the token amount of their rewards created in \`range\`,
    rejected and cancelled rewards left out (never paid); ties by reward count. \`limit\`: 1 to ${MAX_TOP_REFERRERS}.
    """
    topReferrers(range: DateRange!, limit: Int! = 10): [TopReferrer!]!
    """
    Admins only. The ledger ↔ chain reconciliation (the run of GET /api/admin/reconcile and
    \`npm run audit\`), summarised. The server's last report is reused for 60 s unless \`refresh\`.
    """
    reconciliation(refresh: Boolean! = false): Reconciliation!
  }

  type Funnel {
    from: Date!
    to: Date!
    """
    Everything in scope. For an admin without filters it also counts what no code owns: orders
    rejected as unknown_code and on-chain payouts without a ledger row.
    """
    total: FunnelCounts!
    "How many codes are in scope (byCode lists at most \`limit\` of them)."
    codes: Int!
    "How many referrers own a code in scope."
    referrers: Int!
    """
    The busiest codes in scope: by visits, then attributed orders, then code; at most \`limit\`
    (1 to ${MAX_LIST_LIMIT}).
    """
    byCode(limit: Int! = 50): [CodeFunnel!]!
    "The busiest referrers owning a code in scope, ordered as byCode; at most \`limit\` (1 to ${MAX_LIST_LIMIT})."
    byReferrer(limit: Int! = 50): [ReferrerFunnel!]!
  }

  "A referrer's account."
  type Referrer {
    id: ID!
    "The wallets linked to the account (any of them is accepted as \`referrer:\`), oldest first."
    wallets: [String!]!
  }

  type CodeFunnel {
    code: String!
    active: Boolean!
    "The wallet the code pays."
    wallet: String!
    referrer: Referrer!
    counts: FunnelCounts!
  }

  type ReferrerFunnel {
    referrer: Referrer!
    counts: FunnelCounts!
  }

  type FunnelCounts {
    "Visits the beacon counted: one per visitor, code and UTC day (bots left out)."
    visits: Int!
    """
    Distinct visitors over the range, from the visit de-duplication rows. The server keeps those
    for today and yesterday only (server/visits/purge.ts), so for older days this counts what is
    left of them; \`visits\` is complete for any range.
    """
    uniqueVisitors: Int!
    "Users created in the range whose first sign-in was attributed to the code."
    signups: Int!
    "Orders created in the range that arrived with the code, whatever the attribution decided."
    orders: Int!
    "Those orders attributed to the code."
    attributedOrders: Int!
    "Those orders whose attribution was rejected, by reason (every reason listed)."
    rejectedAttributions: [RejectionCount!]!
    "Rewards created in the range, by current state (every state listed)."
    rewards: [RewardStateTotal!]!
    """
    Payouts in the indexer's \`payout\` view whose block time is in the range, joined to the
    ledger by orderRef. Null while the indexer's views do not exist.
    """
    paidOnChain: PaidOnChain
  }

  enum AttributionRejection {
    unknown_code
    inactive_code
    self_referral
    wallet_overlap
    not_first_purchase
  }

  enum RewardState {
    pending_approval
    approved
    minting
    minted
    rejected
    cancelled
    failed
    offset
  }

  type RejectionCount {
    reason: AttributionRejection!
    count: Int!
  }

  type RewardStateTotal {
    state: RewardState!
    count: Int!
    "The token amount (wei) of the sized ones."
    tokenAmount: BigInt!
    "The rewards after refunds, per order currency, in its minor units."
    amounts: [CurrencyAmount!]!
  }

  type CurrencyAmount {
    currency: String!
    amountMinor: BigInt!
  }

  type PaidOnChain {
    count: Int!
    "Token base units paid."
    tokenAmount: BigInt!
  }

  type Day {
    day: Date!
    visits: Int!
    "Distinct visitors that day across the codes in scope (see FunnelCounts.uniqueVisitors)."
    uniqueVisitors: Int!
    signups: Int!
    orders: Int!
    attributedOrders: Int!
    "Rewards created that day, in any state, and their token amount (wei)."
    rewards: Int!
    rewardTokenAmount: BigInt!
    "Payouts whose block time falls on that day; null without the indexer's views."
    paidOnChain: PaidOnChain
  }

  type TopReferrer {
    rank: Int!
    referrer: Referrer!
    "Rewards created in the range, rejected and cancelled ones left out."
    rewards: Int!
    rewardTokenAmount: BigInt!
    "Their payouts whose block time is in the range; null without the indexer's views."
    paidOnChain: PaidOnChain
  }

  type Reconciliation {
    "No mismatches (warnings allowed)."
    ok: Boolean!
    "When the summarised run started (ISO 8601)."
    checkedAt: String!
    chainId: Int!
    contract: String!
    fromBlock: BigInt!
    toBlock: BigInt!
    ledgerRows: Int!
    onChainPayments: Int!
    "Ledger rows without any mismatch."
    agreeingOrders: Int!
    "Orders (ledger rows or on-chain payments) with at least one mismatch."
    disagreeingOrders: Int!
    mismatches: Int!
    warnings: Int!
    "Findings per kind, every kind listed."
    byKind: [FindingCount!]!
  }

  type FindingCount {
    kind: String!
    "mismatch or warning"
    severity: String!
    count: Int!
  }
`;

/** What every resolver gets: the signed-in viewer (anonymous requests never reach GraphQL). */
export interface AnalyticsContext {
  viewer: Viewer;
  walletsOf(userId: string): Promise<string[]>;
}

interface RangeArgs {
  range: { from: string; to: string };
  code?: string | null;
  referrer?: string | null;
}

export function analyticsSchema(services: { db: Db; viewsSchema: string; reconciliation: ReconciliationStatus }) {
  const { db } = services;
  const payouts = createPayoutView(db, services.viewsSchema);
  // The range is checked before the scope: bad input is named even for a code one may not see.
  const scoped = async (args: RangeArgs, viewer: Viewer) => {
    const range = dayRange(args.range);
    return { db, payouts, range, scope: await resolveScope(db, viewer, args) };
  };
  return createSchema<AnalyticsContext>({
    typeDefs,
    resolvers: {
      Date: DateScalar,
      BigInt: BigIntScalar,
      Query: {
        funnel: async (_: unknown, args: RangeArgs, { viewer }: AnalyticsContext) =>
          loadFunnel(await scoped(args, viewer)),
        daily: async (_: unknown, args: RangeArgs, { viewer }: AnalyticsContext) =>
          loadDaily(await scoped(args, viewer)),
        topReferrers: (
          _: unknown,
          args: { range: RangeArgs["range"]; limit: number },
          { viewer }: AnalyticsContext,
        ) => {
          requireAdmin(viewer, "topReferrers");
          return loadTopReferrers({ db, payouts, range: dayRange(args.range) }, args.limit);
        },
        reconciliation: (_: unknown, args: { refresh: boolean }, { viewer }: AnalyticsContext) => {
          requireAdmin(viewer, "reconciliation");
          return services.reconciliation(args.refresh);
        },
      },
      Funnel: {
        codes: (funnel: Funnel) => funnel.byCode.length,
        referrers: (funnel: Funnel) => funnel.byReferrer.length,
        byCode: (funnel: Funnel, args: { limit: number }) => funnel.byCode.slice(0, listLimit("byCode", args.limit)),
        byReferrer: (funnel: Funnel, args: { limit: number }) =>
          funnel.byReferrer.slice(0, listLimit("byReferrer", args.limit)),
      },
      Referrer: {
        wallets: (referrer: ReferrerRef, _: unknown, { walletsOf }: AnalyticsContext) =>
          referrer.wallets ?? walletsOf(referrer.id),
      },
    },
  });
}
