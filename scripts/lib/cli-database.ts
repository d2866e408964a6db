// The database a command-line tool works on: DATABASE_URL when set, otherwise the embedded one
// in the data directory — the one `npm start` is running, or, when nothing runs it, started for
// the duration of the command. Pending migrations are applied first.
import { join } from "node:path";
import { type Database, openDatabase, runMigrations } from "../../server/db/client.ts";
import { useEmbeddedPostgres } from "../../server/db/embedded.ts";
import { dataDir } from "./paths.ts";

/** Bad arguments or configuration: the CLI prints its usage and exits with 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export async function withCliDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  let url = process.env.DATABASE_URL || undefined;
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError("DATABASE_URL: expected a postgres:// URL");
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const embedded = await useEmbeddedPostgres(join(dataDir, "postgres"));
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const database = openDatabase(url, { max: 2 });
  try {
    await runMigrations(database);
    return await run(database);
  } finally {
    await database.close();
    await stopEmbedded?.();
  }
}
