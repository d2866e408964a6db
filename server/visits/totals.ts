// Visit totals per code from the daily buckets: today, the last 7 and the last 28 UTC days
// (each window includes today). One query for any number of codes.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { utcDayNumber, utcDayString } from "./visitor.ts";

export interface VisitTotals {
  today: number;
  last7Days: number;
  last28Days: number;
}

const noVisits = (): VisitTotals => ({ today: 0, last7Days: 0, last28Days: 0 });

/** Totals for each of `codeIds` (codes without visits get zeros), as of the UTC day of `now`. */
export async function visitTotals(
  db: Db,
  codeIds: readonly string[],
  now: number = Date.now(),
): Promise<Map<string, VisitTotals>> {
  const totals = new Map<string, VisitTotals>(codeIds.map((id) => [id, noVisits()]));
  if (codeIds.length === 0) return totals;
  const today = utcDayNumber(now);
  const result = await db.execute<{ code_id: string; today: number; last7: number; last28: number }>(sql`
    select code_id,
      coalesce(sum(visits) filter (where day = ${utcDayString(today)}::date), 0)::int8 as today,
      coalesce(sum(visits) filter (where day > ${utcDayString(today - 7)}::date), 0)::int8 as last7,
      sum(visits)::int8 as last28
    from refcode_visit_days
    where code_id = any(${sql.param([...new Set(codeIds)])}::uuid[])
      and day > ${utcDayString(today - 28)}::date and day <= ${utcDayString(today)}::date
    group by code_id`);
  for (const row of result.rows) {
    totals.set(row.code_id, { today: Number(row.today), last7Days: Number(row.last7), last28Days: Number(row.last28) });
  }
  return totals;
}
