// The funnel per code, per referrer and in total, and the daily series: the aggregate queries of
// metrics.ts run in parallel (each on its own pool connection) and fold into FunnelCounts.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import {
  addCounts,
  addOrders,
  addPaid,
  addRewards,
  emptyCounts,
  type FunnelCounts,
  type PaidOnChain,
} from "./counts.ts";
import {
  ordersBy,
  paidBy,
  rewardsBy,
  signupsBy,
  uniqueVisitorsByDay,
  uniqueVisitorsByLevel,
  visitsBy,
  type MetricQuery,
} from "./metrics.ts";
import type { PayoutView } from "./payout-view.ts";
import type { DayRange } from "./range.ts";
import { inScope, type Scope } from "./scope.ts";

export interface AnalyticsQuery {
  db: Db;
  scope: Scope;
  range: DayRange;
  /** The indexer's `payout` view (INDEXER_VIEWS_SCHEMA). */
  payouts: PayoutView;
}

/** A referrer is a user; its wallets come with it when already loaded, else on demand (wallets.ts). */
export interface ReferrerRef {
  id: string;
  wallets?: string[];
}

export interface Funnel {
  from: string;
  to: string;
  total: FunnelCounts;
  byCode: { code: string; active: boolean; wallet: string; referrer: ReferrerRef; counts: FunnelCounts }[];
  byReferrer: { referrer: ReferrerRef; counts: FunnelCounts }[];
}

/** The codes in scope with their owners' wallets: loaded with the codes, the wallets of a long
 *  list resolve without a promise per entry, which GraphQL's executor pays for dearly. */
function codesIn(db: Db, scope: Scope) {
  return db
    .execute<{ id: string; code: string; active: boolean; wallet: string; user_id: string; wallets: string[] }>(
      sql`select c.id::text, c.code, c.active, c.wallet, c.user_id::text,
            array(select w.address from wallets w where w.user_id = c.user_id order by w.linked_at, w.address) as wallets
          from refcodes c where ${inScope(scope, sql`c.id`)}`,
    )
    .then((result) => result.rows);
}

/** Lists are ordered by visits, then attributed orders, most first. */
const busiestFirst = (a: FunnelCounts, b: FunnelCounts) =>
  b.visits - a.visits || b.attributedOrders - a.attributedOrders;

export async function loadFunnel({ db, scope, range, payouts }: AnalyticsQuery): Promise<Funnel> {
  const query: MetricQuery = { db, scope, range, by: "code" };
  const [codes, visits, unique, signups, orders, rewards, paid] = await Promise.all([
    codesIn(db, scope),
    visitsBy(query),
    uniqueVisitorsByLevel(query),
    signupsBy(query),
    ordersBy(query),
    rewardsBy(query),
    paidBy(query, payouts),
  ]);
  const paidKnown = paid !== undefined;
  // Groups by code id; the null key holds what no code owns (unrestricted scope only).
  const groups = new Map<string | null, FunnelCounts>();
  const group = (key: string | null) => {
    let counts = groups.get(key);
    if (!counts) groups.set(key, (counts = emptyCounts(paidKnown)));
    return counts;
  };
  for (const code of codes) group(code.id);
  for (const row of visits) group(row.k).visits += row.visits;
  for (const row of signups) group(row.k).signups += row.signups;
  for (const row of orders) addOrders(group(row.k), row);
  for (const row of rewards) addRewards(group(row.k), row);
  for (const row of paid ?? []) addPaid(group(row.k), row);

  const total = emptyCounts(paidKnown);
  for (const counts of groups.values()) addCounts(total, counts);
  const byReferrer = new Map<string, FunnelCounts>();
  const referrers = new Map<string, ReferrerRef>();
  for (const code of codes) {
    let counts = byReferrer.get(code.user_id);
    if (!counts) byReferrer.set(code.user_id, (counts = emptyCounts(paidKnown)));
    referrers.set(code.user_id, { id: code.user_id, wallets: code.wallets });
    addCounts(counts, group(code.id));
  }
  for (const row of unique) {
    if (row.code_id !== null) group(row.code_id).uniqueVisitors = row.visitors;
    else if (row.user_id !== null) {
      // A code created between the queries may name a referrer the code list missed.
      const counts = byReferrer.get(row.user_id);
      if (counts) counts.uniqueVisitors = row.visitors;
    } else total.uniqueVisitors = row.visitors;
  }
  return {
    from: range.from,
    to: range.to,
    total,
    byCode: codes
      .map((code) => ({
        code: code.code,
        active: code.active,
        wallet: code.wallet,
        referrer: { id: code.user_id, wallets: code.wallets },
        counts: group(code.id),
      }))
      .sort((a, b) => busiestFirst(a.counts, b.counts) || a.code.localeCompare(b.code)),
    byReferrer: [...byReferrer]
      .map(([id, counts]) => ({ referrer: referrers.get(id)!, counts }))
      .sort((a, b) => busiestFirst(a.counts, b.counts) || a.referrer.id.localeCompare(b.referrer.id)),
  };
}

export interface Day {
  day: string;
  visits: number;
  uniqueVisitors: number;
  signups: number;
  orders: number;
  attributedOrders: number;
  rewards: number;
  rewardTokenAmount: bigint;
  paidOnChain: PaidOnChain | null;
}

/** Every day of the range, zeros included, in order. */
export async function loadDaily({ db, scope, range, payouts }: AnalyticsQuery): Promise<Day[]> {
  const query: MetricQuery = { db, scope, range, by: "day" };
  const [visits, unique, signups, orders, rewards, paid] = await Promise.all([
    visitsBy(query),
    uniqueVisitorsByDay(query),
    signupsBy(query),
    ordersBy(query),
    rewardsBy(query),
    paidBy(query, payouts),
  ]);
  const days = new Map<string, Day>(
    range.days.map((day) => [
      day,
      {
        day,
        visits: 0,
        uniqueVisitors: 0,
        signups: 0,
        orders: 0,
        attributedOrders: 0,
        rewards: 0,
        rewardTokenAmount: 0n,
        paidOnChain: paid === undefined ? null : { count: 0, tokenAmount: 0n },
      },
    ]),
  );
  // Keys are days of the range: every query filters on it.
  const on = (key: string | null) => days.get(key!)!;
  for (const row of visits) on(row.k).visits += row.visits;
  for (const row of unique) on(row.k).uniqueVisitors += row.visitors;
  for (const row of signups) on(row.k).signups += row.signups;
  for (const row of orders) {
    on(row.k).orders += row.orders;
    if (row.attribution === "accepted") on(row.k).attributedOrders += row.orders;
  }
  for (const row of rewards) {
    on(row.k).rewards += row.rewards;
    on(row.k).rewardTokenAmount += BigInt(row.token_amount);
  }
  for (const row of paid ?? []) {
    const paidOnChain = on(row.k).paidOnChain!;
    paidOnChain.count += row.payouts;
    paidOnChain.tokenAmount += BigInt(row.amount);
  }
  return [...days.values()];
}
