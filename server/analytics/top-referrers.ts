// The referrers who earned the most in a range, for admins. Ranked by the token amount of their
// rewards created in the range, leaving out rejected and cancelled rewards (they will never be
// paid); ties by reward count, then by id so the order is stable. The ledger ranks rather than
// the indexer so the list works before the indexer runs and counts rewards not yet paid.
import { sql } from "drizzle-orm";
import type { PaidOnChain } from "./counts.ts";
import type { AnalyticsQuery, ReferrerRef } from "./funnel.ts";
import { inTime } from "./metrics.ts";
import { payoutJoin } from "./payout-view.ts";
import { badInput } from "./range.ts";

export const MAX_TOP_REFERRERS = 100;

export interface TopReferrer {
  rank: number;
  referrer: ReferrerRef;
  rewards: number;
  rewardTokenAmount: bigint;
  /** Their payouts whose block time is in the range; null without the indexer's views. */
  paidOnChain: PaidOnChain | null;
}

export async function loadTopReferrers(
  { db, range, payouts }: Omit<AnalyticsQuery, "scope">,
  limit: number,
): Promise<TopReferrer[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TOP_REFERRERS) {
    throw badInput(`limit: expected 1 to ${MAX_TOP_REFERRERS}, got ${limit}`);
  }
  const { rows: top } = await db.execute<{ user_id: string; rewards: number; token_amount: string }>(
    sql`select r.referrer_user_id::text as user_id, count(*)::int8 as rewards,
          coalesce(sum(r.token_amount), 0)::text as token_amount
        from rewards r
        where ${inTime(sql`r.created_at`, range)} and r.state not in ('rejected', 'cancelled')
        group by r.referrer_user_id
        order by coalesce(sum(r.token_amount), 0) desc, count(*) desc, r.referrer_user_id
        limit ${limit}`,
  );
  if (top.length === 0) return [];
  const ids = top.map((row) => row.user_id);
  const paid = await payouts.query(async (payout) => {
    const { rows } = await db.execute<{ user_id: string; payouts: number; amount: string }>(
      sql`select r.referrer_user_id::text as user_id, count(*)::int8 as payouts,
            coalesce(sum(p.amount), 0)::text as amount
          from ${payoutJoin(payout, "inner")}
          where r.referrer_user_id = any(${sql.param(ids)}::uuid[])
            and p.timestamp >= ${range.startSeconds} and p.timestamp < ${range.endSeconds}
          group by r.referrer_user_id`,
    );
    return new Map(rows.map((row) => [row.user_id, { count: row.payouts, tokenAmount: BigInt(row.amount) }]));
  });
  return top.map((row, i) => ({
    rank: i + 1,
    referrer: { id: row.user_id },
    rewards: row.rewards,
    rewardTokenAmount: BigInt(row.token_amount),
    paidOnChain: paid === undefined ? null : (paid.get(row.user_id) ?? { count: 0, tokenAmount: 0n }),
  }));
}
