// `npm run db:backup -- [--out <file>]`: the server's ledger (schemas `public` and `drizzle`, the
// migrations record) from DATABASE_URL as a pg_dump custom-format archive. The indexer's schemas
// are left out on purpose: Ponder rebuilds them from the chain (docs/BACKUP.md says why).
//
// pg_dump must be of the server's major version or newer; it is looked up in PG_BIN_DIR, then
// PATH, then Debian's /usr/lib/postgresql/<major>/bin. The password travels in PGPASSWORD, not
// on the command line, where `ps` would show it.
import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import pg from "pg";

/** What the server owns: its tables and sequences, and drizzle's record of applied migrations. */
export const LEDGER_SCHEMAS = ["public", "drizzle"] as const;

export class PgToolError extends Error {
  override name = "PgToolError";
}

export interface PgTool {
  path: string;
  major: number;
}

const run = promisify(execFile);

/** The server's major version (e.g. 18). */
export async function serverMajorVersion(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version_num: string }>("show server_version_num");
    return Math.floor(Number(rows[0]!.server_version_num) / 10_000);
  } finally {
    await client.end();
  }
}

function candidates(name: string, env: NodeJS.ProcessEnv): string[] {
  const dirs = [...(env.PG_BIN_DIR ? [env.PG_BIN_DIR] : []), ...(env.PATH ?? "").split(delimiter).filter(Boolean)];
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((entry) => /^\d+$/.test(entry));
    versions.sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((version) => join(debian, version, "bin")));
  }
  return [...new Set(dirs.map((dir) => join(dir, name)))].filter((path) => existsSync(path) && statSync(path).isFile());
}

/** The first `name` (pg_dump, pg_restore) whose major version is at least `minMajor`. */
export async function findPgTool(
  name: "pg_dump" | "pg_restore",
  minMajor: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PgTool> {
  const seen: string[] = [];
  for (const path of candidates(name, env)) {
    const { stdout } = await run(path, ["--version"]).catch(() => ({ stdout: "" }));
    const major = Number(/\(PostgreSQL\) (\d+)/.exec(stdout)?.[1] ?? Number.NaN);
    if (Number.isNaN(major)) continue;
    if (major >= minMajor) return { path, major };
    seen.push(`${path} (${major})`);
  }
  throw new PgToolError(
    `no ${name} for PostgreSQL ${minMajor} or newer${seen.length ? `; found ${seen.join(", ")}` : ""}: ` +
      `install the server's client tools and put them on PATH or in PG_BIN_DIR`,
  );
}

/** The URL without its password, and the environment that carries the password instead. */
export function connectionFor(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  return { url: url.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** pg_dump's arguments; the Kubernetes backup CronJob runs the same (test/deploy checks it). */
export function pgDumpArgs(outFile: string): string[] {
  return [
    "--format=custom",
    "--no-owner",
    "--no-privileges",
    ...LEDGER_SCHEMAS.map((schema) => `--schema=${schema}`),
    `--file=${outFile}`,
  ];
}

/** Runs a PostgreSQL client tool; throws PgToolError with the end of its stderr on failure. */
export function runPgTool(tool: PgTool, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tool.path, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once("error", (error) => reject(new PgToolError(`${tool.path}: ${error.message}`)));
    child.once("exit", (code) =>
      code === 0 ? resolvePromise() : reject(new PgToolError(`${tool.path} exited with ${code}:\n${stderr.trim()}`)),
    );
  });
}

export interface BackupResult {
  file: string;
  bytes: number;
  tool: PgTool;
  serverMajor: number;
}

export async function backupDatabase(databaseUrl: string, outFile: string): Promise<BackupResult> {
  const serverMajor = await serverMajorVersion(databaseUrl);
  const tool = await findPgTool("pg_dump", serverMajor);
  const connection = connectionFor(databaseUrl);
  await runPgTool(tool, [...pgDumpArgs(outFile), `--dbname=${connection.url}`], connection.env);
  return { file: outFile, bytes: statSync(outFile).size, tool, serverMajor };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const databaseUrl = process.env.DATABASE_URL;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const outFile = resolve(values.out ?? `refcodes-ledger-${stamp}.dump`);
  try {
    if (!databaseUrl) throw new PgToolError("DATABASE_URL is required (the database to back up)");
    const result = await backupDatabase(databaseUrl, outFile);
    console.log(
      `wrote ${result.file} (${result.bytes} bytes; pg_dump ${result.tool.major}, server ${result.serverMajor})`,
    );
  } catch (error) {
    console.error(`db:backup failed: ${(error as Error).message}`);
    console.error("usage: DATABASE_URL=postgres://… node scripts/db-backup.ts [--out <file>]");
    process.exit(1);
  }
}
