import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema.ts";

export type Db = NodePgDatabase<typeof schema>;
/** The handle a `db.transaction` callback receives. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface Database {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

const migrationsFolder = new URL("./migrations", import.meta.url).pathname;

// bigint columns come back as strings by default; money stays integral, and every amount fits
// Number.MAX_SAFE_INTEGER by validation, so parse int8 as a number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openDatabase(url: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // A client losing its connection (database restart) must not crash the process: the pool's
  // "error" covers idle clients only, so every client gets a listener of its own for the time it
  // is checked out (a transaction between two queries, the minter's lock). Its next query fails
  // instead, and the pool discards it on release.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}

/** Applies every pending migration; a Postgres advisory lock inside drizzle's migrator is not
 *  guaranteed, so replicas starting together serialise on one of ours. */
export async function runMigrations(database: Database): Promise<void> {
  const client = await database.pool.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('refcodes.migrations'))");
    await migrate(drizzle(client, { schema }), { migrationsFolder });
  } finally {
    await client.query("select pg_advisory_unlock(hashtext('refcodes.migrations'))").catch(() => {});
    client.release();
  }
}
