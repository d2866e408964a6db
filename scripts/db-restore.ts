// `npm run db:restore -- --file <archive>`: a `db:backup` archive into DATABASE_URL, which must be
// a new, empty database (no tables in the ledger's schemas): restoring over live data would mix
// two histories. Stop the servers first, restore, point DATABASE_URL at it, start them again.
// One transaction: a failed restore leaves the target as empty as it was.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { execFile } from "node:child_process";
import pg from "pg";
import {
  connectionFor,
  findPgTool,
  LEDGER_SCHEMAS,
  type PgTool,
  PgToolError,
  runPgTool,
  serverMajorVersion,
} from "./db-backup.ts";

export class RestoreTargetNotEmptyError extends Error {
  override name = "RestoreTargetNotEmptyError";
}

const run = promisify(execFile);

async function ledgerTableCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "select count(*) from information_schema.tables where table_schema = any($1)",
      [LEDGER_SCHEMAS],
    );
    return Number(rows[0]!.count);
  } finally {
    await client.end();
  }
}

/**
 * The archive's table of contents without the `public` schema itself: a dump limited to named
 * schemas creates `public`, which every new database already has, and the restore would fail.
 */
async function restoreList(tool: PgTool, archive: string): Promise<string> {
  const { stdout } = await run(tool.path, ["--list", archive], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split("\n")
    .filter((line) => !/^\d+; \d+ \d+ (SCHEMA|COMMENT) - (SCHEMA )?public /.test(line))
    .join("\n");
}

export async function restoreDatabase(databaseUrl: string, archive: string): Promise<{ tool: PgTool }> {
  if (!existsSync(archive)) throw new PgToolError(`no archive at ${archive}`);
  const tables = await ledgerTableCount(databaseUrl);
  if (tables > 0) {
    throw new RestoreTargetNotEmptyError(
      `the target already has ${tables} table(s) in ${LEDGER_SCHEMAS.join(", ")}: restore into a new, empty database`,
    );
  }
  const tool = await findPgTool("pg_restore", await serverMajorVersion(databaseUrl));
  const dir = mkdtempSync(join(tmpdir(), "refcodes-restore-"));
  try {
    const listFile = join(dir, "restore.list");
    writeFileSync(listFile, await restoreList(tool, archive));
    const connection = connectionFor(databaseUrl);
    await runPgTool(
      tool,
      [
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        `--use-list=${listFile}`,
        `--dbname=${connection.url}`,
        archive,
      ],
      connection.env,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { tool };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { file: { type: "string" } } });
  const databaseUrl = process.env.DATABASE_URL;
  try {
    if (!values.file) throw new PgToolError("--file is required (an archive written by db:backup)");
    if (!databaseUrl) throw new PgToolError("DATABASE_URL is required (a new, empty database)");
    const { tool } = await restoreDatabase(databaseUrl, resolve(values.file));
    console.log(`restored ${values.file} (pg_restore ${tool.major}); start the server and the indexer on it`);
  } catch (error) {
    console.error(`db:restore failed: ${(error as Error).message}`);
    console.error("usage: DATABASE_URL=postgres://… node scripts/db-restore.ts --file <archive>");
    process.exit(1);
  }
}
