// The database a command-line tool works on: DATABASE_URL when set, otherwise the embedded one
// in the data directory — the one `npm start` is running, or, when nothing runs it, started for
// the duration of the command. Pending migrations are applied first.
import type { Database } from "../../server/db/client.ts";
import { openAppDatabase } from "../../server/db/embedded.ts";

/** Bad arguments or configuration: the CLI prints its usage and exits with 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export async function withCliDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL || undefined;
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError("DATABASE_URL: expected a postgres:// URL");
  const { database, stop } = await openAppDatabase(url, { max: 2 });
  try {
    return await run(database);
  } finally {
    await stop();
  }
}
