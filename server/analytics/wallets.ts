// The wallets of referrers, loaded for a whole response at once: a funnel lists many codes, and
// one query per code's referrer would be N+1 round trips.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

/** One loader per request: asks made in the same turn of the event loop share one query. */
export function createWalletLoader(db: Db) {
  const cache = new Map<string, Promise<string[]>>();
  let batch: Map<string, { resolve: (wallets: string[]) => void; reject: (error: unknown) => void }> | undefined;

  async function flush(waiting: NonNullable<typeof batch>) {
    try {
      const { rows } = await db.execute<{ user_id: string; wallets: string[] }>(
        sql`select user_id::text, array_agg(address order by linked_at, address) as wallets
            from wallets where user_id = any(${sql.param([...waiting.keys()])}::uuid[]) group by user_id`,
      );
      const found = new Map(rows.map((row) => [row.user_id, row.wallets]));
      for (const [userId, { resolve }] of waiting) resolve(found.get(userId) ?? []);
    } catch (error) {
      for (const { reject } of waiting.values()) reject(error);
    }
  }

  return function walletsOf(userId: string): Promise<string[]> {
    let wallets = cache.get(userId);
    if (!wallets) {
      if (!batch) {
        const waiting = (batch = new Map());
        // setImmediate, not a microtask: GraphQL resolves a list's items over several microtasks.
        setImmediate(() => {
          batch = undefined;
          void flush(waiting);
        });
      }
      const waiting = batch;
      wallets = new Promise((resolve, reject) => waiting.set(userId, { resolve, reject }));
      cache.set(userId, wallets);
    }
    return wallets;
  };
}
