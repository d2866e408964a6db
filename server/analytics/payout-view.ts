// The indexer's `payout` view (one row per paid order) in the schema INDEXER_VIEWS_SCHEMA names.
// The indexer may not run yet, or may be re-creating its views (Ponder does on every start):
// then paid-on-chain figures are null, never an error.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { PG_UNDEFINED_TABLE, pgErrorCode } from "../db/errors.ts";

/** A view found is remembered this long: one statement less per request. A missing one is looked
 *  for every time, so the figures appear as soon as the indexer has published its views; a view
 *  that disappears is noticed by the query itself (undefined_table). */
const PRESENCE_TTL_MS = 5_000;

export interface PayoutView {
  /** Runs a query on the view (the quoted relation); undefined when the view does not exist. */
  query<T>(run: (view: SQL) => Promise<T>): Promise<T | undefined>;
}

export function createPayoutView(db: Db, schema: string, now: () => number = Date.now): PayoutView {
  // The schema name was validated as a plain identifier in config.ts, so quoting it is enough.
  const relation = `"${schema}".payout`;
  let presentUntil = 0;

  async function present(): Promise<boolean> {
    if (presentUntil > now()) return true;
    const { rows } = await db.execute<{ present: boolean }>(
      sql`select to_regclass(${relation}) is not null as present`,
    );
    const found = rows[0]?.present === true;
    if (found) presentUntil = now() + PRESENCE_TTL_MS;
    return found;
  }

  return {
    async query(run) {
      if (!(await present())) return undefined;
      try {
        return await run(sql.raw(relation));
      } catch (error) {
        if (pgErrorCode(error) !== PG_UNDEFINED_TABLE) throw error; // vanished since the check
        presentUntil = 0; // gone: look again next time
        return undefined;
      }
    },
  };
}

/**
 * The payout ↔ ledger join. The view's order_ref is lower-case hex by contract; the ledger's is
 * lowered here (ASCII: it is hex) so a row stored in any case still matches.
 */
export const payoutJoin = (view: SQL, kind: "inner" | "left") =>
  sql`${view} p ${sql.raw(kind === "inner" ? "join" : "left join")} rewards r
      on p.order_ref = lower(r.order_ref collate "C")`;
