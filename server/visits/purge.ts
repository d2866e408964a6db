import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { refcodeVisitors } from "../db/schema.ts";

/**
 * Visitor rows exist only to de-duplicate today's visits (the daily buckets keep the counts).
 * Rows from before yesterday are deleted; yesterday stays for beacons that straddle midnight.
 */
export async function purgeOldVisitors(db: Db, today: string): Promise<number> {
  const result = await db.execute(
    sql`delete from ${refcodeVisitors} where ${refcodeVisitors.day} < (${today}::date - 1)`,
  );
  return result.rowCount ?? 0;
}

/** Runs `purge` every `everyMs` (unref'd, so it never holds the process open); a failure goes to
 *  `onError`, and the next run tries again. Returns the function that stops it. */
export function schedulePurge(purge: () => Promise<unknown>, onError: (error: unknown) => void, everyMs: number) {
  const timer = setInterval(() => void purge().catch(onError), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
