// The drill's own embedded PostgreSQL: its data directory outlives a stop, and it comes back on
// the same port, so every process keeps its DATABASE_URL across a restart (a database server
// restarted by its operator, not replaced).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../../scripts/lib/indexer.ts";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../../server/db/embedded.ts";

export interface DrillPostgres {
  /** The drill's database (not the cluster's `postgres` database). */
  url: string;
  isUp(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and deletes its data. */
  destroy(): Promise<void>;
}

const DATABASE = "refcodes_drill";

export async function startDrillPostgres(): Promise<DrillPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "refcodes-drill-pg-"));
  const port = await freePort();
  let cluster: EmbeddedDatabase | undefined;
  const start = async () => {
    if (cluster) return;
    cluster = await startEmbeddedPostgres(dir, { persistent: true, pickPort: async () => port });
  };
  const stop = async () => {
    const running = cluster;
    cluster = undefined;
    await running?.stop();
  };
  try {
    await start();
    const admin = new pg.Client({ connectionString: cluster!.url });
    await admin.connect();
    await admin.query(`create database ${DATABASE}`);
    await admin.end();
  } catch (error) {
    await stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = new URL(cluster!.url);
  url.pathname = `/${DATABASE}`;
  return {
    url: url.toString(),
    isUp: () => cluster !== undefined,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
