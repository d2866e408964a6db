// The wallets of referrers, loaded for a whole response at once: a funnel lists many codes, and
// one query per code's referrer would be N+1 round trips.
import DataLoader from "dataloader";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

/** One loader per request: asks made while GraphQL resolves a list share one query. */
export function createWalletLoader(db: Db) {
  const loader = new DataLoader<string, string[]>(
    async (userIds) => {
      const { rows } = await db.execute<{ user_id: string; wallets: string[] }>(
        sql`select user_id::text, array_agg(address order by linked_at, address) as wallets
            from wallets where user_id = any(${sql.param([...userIds])}::uuid[]) group by user_id`,
      );
      const found = new Map(rows.map((row) => [row.user_id, row.wallets]));
      return userIds.map((userId) => found.get(userId) ?? []);
    },
    // After the event loop's turn, not a microtask: GraphQL resolves a list's items over several.
    { batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
  return (userId: string): Promise<string[]> => loader.load(userId);
}
