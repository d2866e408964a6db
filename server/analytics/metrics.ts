// The funnel's aggregate queries, one per source table, each grouped by a key: the code (for the
// funnel) or the UTC day (for the daily series). Set-based: PostgreSQL aggregates, only the
// groups come back. Every event counts on its own day: a visit on its bucket's day, a sign-up
// when the user was created, an order when it was created, a reward when it was created, a
// payout at its block time.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { payoutJoin, type PayoutView } from "./payout-view.ts";
import type { DayRange } from "./range.ts";
import { inScope, type Scope } from "./scope.ts";

export type GroupBy = "code" | "day";

/** A group's key: a code id, a day (YYYY-MM-DD), or null for what no code owns. */
type Keyed<T> = T & { k: string | null };

export interface MetricQuery {
  db: Db;
  scope: Scope;
  range: DayRange;
  by: GroupBy;
}

/**
 * lower() under the C collation: plain ASCII, several times cheaper than the database locale's.
 * Enough for what it compares: codes are ASCII (vanity.ts, generate.ts) and so is hex.
 */
const asciiLower = (text: SQL) => sql`lower(${text} collate "C")`;

const utcDay = (timestamp: SQL) => sql`(${timestamp} at time zone 'UTC')::date`;
export const inTime = (timestamp: SQL, range: DayRange) =>
  sql`${timestamp} >= ${range.start}::timestamptz and ${timestamp} < ${range.end}::timestamptz`;

async function rows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<Keyed<T>[]> {
  return (await db.execute<Keyed<T>>(query)).rows as Keyed<T>[];
}

/** Visits from the daily buckets (one per visitor, code and UTC day). */
export function visitsBy({ db, scope, range, by }: MetricQuery) {
  const key = by === "code" ? sql`d.code_id` : sql`d.day`;
  return rows<{ visits: number }>(
    db,
    sql`select (${key})::text as k, sum(d.visits)::int8 as visits
        from refcode_visit_days d
        where d.day between ${range.from}::date and ${range.to}::date and ${inScope(scope, sql`d.code_id`)}
        group by ${key}`,
  );
}

/** Distinct visitors per day, across the codes in scope (the daily series). Distinct pairs first:
 *  PostgreSQL hashes those, where count(distinct) would sort every row (twice as slow). */
export function uniqueVisitorsByDay({ db, scope, range }: Omit<MetricQuery, "by">) {
  return rows<{ visitors: number }>(
    db,
    sql`select day::text as k, count(*)::int8 as visitors
        from (select distinct v.day, v.visitor from refcode_visitors v
              where v.day between ${range.from}::date and ${range.to}::date
                and ${inScope(scope, sql`v.code_id`)}) as pairs
        group by day`,
  );
}

/** Distinct visitors over the whole range per code, per referrer and in total: distinct counts do
 *  not add up, so each level is counted by PostgreSQL (one pass, grouping sets). */
export function uniqueVisitorsByLevel({ db, scope, range }: Omit<MetricQuery, "by">) {
  return db
    .execute<{ code_id: string | null; user_id: string | null; visitors: number }>(
      sql`select v.code_id::text as code_id, c.user_id::text as user_id, count(distinct v.visitor)::int8 as visitors
          from refcode_visitors v join refcodes c on c.id = v.code_id
          where v.day between ${range.from}::date and ${range.to}::date and ${inScope(scope, sql`v.code_id`)}
          group by grouping sets ((v.code_id, c.user_id), (c.user_id), ())`,
    )
    .then((result) => result.rows);
}

/** Users whose first sign-in was attributed to a code (rejected sign-ups record no code). */
export function signupsBy({ db, scope, range, by }: MetricQuery) {
  const key = by === "code" ? sql`u.referred_by_code_id` : utcDay(sql`u.created_at`);
  return rows<{ signups: number }>(
    db,
    sql`select (${key})::text as k, count(*)::int8 as signups
        from users u
        where u.signup_attribution = 'accepted' and ${inTime(sql`u.created_at`, range)}
          and ${inScope(scope, sql`u.referred_by_code_id`)}
        group by ${key}`,
  );
}

/**
 * Orders that arrived with a code, by decision and reason. A rejected order keeps only the code's
 * text, so it is matched to the code by its key; an unknown code matches none (even one created
 * later with that text) and counts only in the unrestricted total. The orders are counted per
 * code text first and the few groups joined to the codes after: cheaper than joining every order.
 */
export function ordersBy({ db, scope, range, by }: MetricQuery) {
  const key = by === "code" ? sql`c.id` : sql`x.day`;
  const day = by === "day" ? utcDay(sql`o.created_at`) : sql`null::date`;
  return rows<{ attribution: "accepted" | "rejected"; reason: string | null; orders: number }>(
    db,
    sql`select (${key})::text as k, x.attribution, x.reason, sum(x.orders)::int8 as orders
        from (select ${asciiLower(sql`o.referral_code`)} as code_key, ${day} as day,
                o.attribution, o.attribution_reason as reason, count(*) as orders
              from orders o
              where o.attribution <> 'none' and ${inTime(sql`o.created_at`, range)}
              group by 1, 2, 3, 4) as x
        left join refcodes c on c.code_key = x.code_key and x.reason is distinct from 'unknown_code'
        where ${inScope(scope, sql`c.id`)}
        group by ${key}, 2, 3`,
  );
}

/** Rewards by state and currency: count, token amount (wei, of the sized ones) and fiat amount. */
export function rewardsBy({ db, scope, range, by }: MetricQuery) {
  const key = by === "code" ? sql`r.refcode_id` : utcDay(sql`r.created_at`);
  return rows<{ state: string; currency: string; rewards: number; token_amount: string; reward_minor: string }>(
    db,
    sql`select (${key})::text as k, r.state, r.currency, count(*)::int8 as rewards,
          coalesce(sum(r.token_amount), 0)::text as token_amount, sum(r.reward_minor)::text as reward_minor
        from rewards r
        where ${inTime(sql`r.created_at`, range)} and ${inScope(scope, sql`r.refcode_id`)}
        group by ${key}, 2, 3`,
  );
}

/** Payouts in the indexer's view by block time; undefined when the view does not exist. */
export function paidBy({ db, scope, range, by }: MetricQuery, payouts: PayoutView) {
  const key = by === "code" ? sql`r.refcode_id` : sql`date '1970-01-01' + floor(p.timestamp / 86400)::int`;
  return payouts.query((payout) =>
    rows<{ payouts: number; amount: string }>(
      db,
      // The unrestricted total also counts payouts the ledger has no row for (left join).
      sql`select (${key})::text as k, count(*)::int8 as payouts, coalesce(sum(p.amount), 0)::text as amount
          from ${payoutJoin(payout, scope.codeIds === undefined ? "left" : "inner")}
          where p.timestamp >= ${range.startSeconds} and p.timestamp < ${range.endSeconds}
            and ${inScope(scope, sql`r.refcode_id`)}
          group by ${key}`,
    ),
  );
}
