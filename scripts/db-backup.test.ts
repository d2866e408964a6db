// db:backup and db:restore on a real PostgreSQL: a migrated ledger with rows goes through
// pg_dump -Fc and pg_restore into a new database and comes back table for table, checksums equal.
// The round trip needs client tools as new as the server; the embedded PostgreSQL 18 usually has
// none beside it, so the machine's own PostgreSQL (127.0.0.1:5432) is used when it fits.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import pg from "pg";
import { openDatabase, runMigrations } from "../server/db/client.ts";
import { createTestDatabase, stopEmbedded, type TestDatabase } from "../server/test/harness.ts";
import { backupDatabase, findPgTool, PgToolError, serverMajorVersion } from "./db-backup.ts";
import { RestoreTargetNotEmptyError, restoreDatabase } from "./db-restore.ts";

const run = promisify(execFile);
const machinePostgres = `postgresql://${userInfo().username}@127.0.0.1:5432/postgres`;

/** createTestDatabase on `serverUrl` (undefined: the embedded server). */
async function testDatabaseOn(serverUrl: string | undefined): Promise<TestDatabase> {
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = serverUrl ?? "";
  try {
    return await createTestDatabase();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

/** A server whose major version the installed pg_dump can read (a new database on it, and how
 *  to make another there), or the reasons there is none. */
async function serverForRoundTrip(): Promise<{ source: TestDatabase; another: () => Promise<TestDatabase> } | string> {
  const reasons: string[] = [];
  for (const serverUrl of [process.env.DATABASE_URL || undefined, machinePostgres]) {
    try {
      const source = await testDatabaseOn(serverUrl);
      const major = await serverMajorVersion(source.url);
      const tool = await findPgTool("pg_dump", major).catch((error: Error) => error);
      if (!(tool instanceof Error)) return { source, another: () => testDatabaseOn(serverUrl) };
      reasons.push(`${source.kind} PostgreSQL ${major}: ${tool.message}`);
      await source.drop();
    } catch (error) {
      reasons.push(`${serverUrl ?? "embedded"}: ${(error as Error).message}`);
    }
  }
  return reasons.join("; ");
}

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Every ledger table with its row count and an md5 over its rows in a stable order. */
async function fingerprint(databaseUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
       where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE' order by 1`,
    );
    const result: Record<string, string> = {};
    for (const { name } of tables) {
      const { rows } = await client.query<{ count: string; digest: string | null }>(
        `select count(*) as count, md5(string_agg(t::text, E'\\n' order by t::text)) as digest from ${name} t`,
      );
      result[name] = `${rows[0]!.count}:${rows[0]!.digest ?? "-"}`;
    }
    return result;
  } finally {
    await client.end();
  }
}

/** A migrated ledger with users, wallets, codes, orders, credit and rewards in it. */
async function seedLedger(databaseUrl: string): Promise<void> {
  const database = openDatabase(databaseUrl, { max: 2 });
  try {
    await runMigrations(database);
    await database.pool.query(`
      insert into users (id, external_id)
        select md5('user' || i)::uuid, 'host-' || i from generate_series(1, 40) i;
      insert into wallets (address, user_id)
        select '0x' || lpad(to_hex(i), 40, '0'), md5('user' || i)::uuid from generate_series(1, 40) i;
      insert into refcodes (code, code_key, user_id, wallet, kind)
        select 'Code' || i, 'code' || i, md5('user' || i)::uuid, '0x' || lpad(to_hex(i), 40, '0'), 'generated'
        from generate_series(1, 20) i;
      insert into orders (order_reference, kind, source, buyer_user_id, amount_minor, currency, status, attribution,
                          line_items)
        select 'order-' || i, 'store', 'host', md5('user' || (i % 40 + 1))::uuid, 1000 + i, 'USD', 'paid', 'accepted',
               jsonb_build_array(jsonb_build_object('sku', 'sku-' || i, 'qty', i % 3 + 1))
        from generate_series(1, 60) i;
      insert into credit_balances (user_id, currency, balance_minor)
        select md5('user' || i)::uuid, 'USD', 500 * i from generate_series(1, 10) i;
      insert into credit_entries (user_id, currency, amount_minor, kind, actor)
        select md5('user' || i)::uuid, 'USD', 500 * i, 'grant', 'admin' from generate_series(1, 10) i;
      insert into rewards (order_reference, order_ref, kind, referrer_user_id, referrer_wallet, referee_user_id,
                           base_amount_minor, currency, commission_bps, gross_reward_minor, reward_minor, sizing,
                           token_amount, token, chain_id, rail, state)
        select 'order-' || i, '0x' || md5('order-' || i) || md5('x' || i), 'store', md5('user1')::uuid,
               '0x' || lpad('1', 40, '0'), md5('user' || (i % 40 + 1))::uuid, 1000 + i, 'USD', 1000, 100, 100,
               'sized', 10::numeric ^ 20, '0x' || lpad('2', 40, '0'), 31337, 'fiat', 'approved'
        from generate_series(1, 30) i;
      insert into reward_transitions (reward_id, from_state, to_state, actor)
        select id, 'pending_approval', 'approved', 'admin' from rewards;
    `);
  } finally {
    await database.close();
  }
}

describe("db:backup / db:restore", () => {
  const dir = mkdtempSync(join(tmpdir(), "refcodes-backup-"));
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    await stopEmbedded();
    rmSync(dir, { recursive: true, force: true });
  });

  it("round-trips a migrated ledger into a new database, every table equal", async (t) => {
    const server = await serverForRoundTrip();
    if (typeof server === "string") return t.skip(`no pg_dump fits any reachable server: ${server}`);
    const { source } = server;
    cleanup.push(() => source.drop());
    await seedLedger(source.url);
    await withClient(source.url, (client) =>
      client.query(`create schema refcodes_ponder_0123456789ab;
        create table refcodes_ponder_0123456789ab.payout (id int); insert into refcodes_ponder_0123456789ab.payout values (1);`),
    );
    const before = await fingerprint(source.url);
    assert.ok(Object.keys(before).length >= 10, `the migrations made the ledger's tables: ${Object.keys(before)}`);
    assert.ok(before["drizzle.__drizzle_migrations"], "the migrations record is part of the ledger");
    assert.match(before["public.orders"]!, /^60:/);

    const archive = join(dir, "ledger.dump");
    const backup = await backupDatabase(source.url, archive);
    assert.equal(backup.bytes, statSync(archive).size);
    assert.ok(backup.bytes > 1000);
    // An indexer schema in the same database stays out of the archive.
    const { stdout: toc } = await run(backup.tool.path.replace(/pg_dump$/, "pg_restore"), ["--list", archive]);
    assert.match(toc, /TABLE DATA public rewards/);
    assert.doesNotMatch(toc, /refcodes_ponder|ponder_sync/);

    const target = await server.another();
    cleanup.push(() => target.drop());
    await restoreDatabase(target.url, archive);
    assert.deepEqual(await fingerprint(target.url), before);

    // Sequences come back too: the next credit entry does not collide with a restored one.
    const { rows } = await withClient(target.url, (client) =>
      client.query<{ id: number }>(
        `insert into credit_entries (user_id, currency, amount_minor, kind, actor)
         values (md5('user1')::uuid, 'USD', 1, 'grant', 'admin') returning id`,
      ),
    );
    assert.equal(Number(rows[0]!.id), 11);
    const schemas = await withClient(target.url, (client) =>
      client.query("select 1 from pg_namespace where nspname like 'refcodes_ponder%'"),
    );
    assert.equal(schemas.rowCount, 0, "the indexer's schema was not restored");
    // The server's migrations find nothing left to apply on the restored database.
    const restored = openDatabase(target.url, { max: 1 });
    await runMigrations(restored).finally(() => restored.close());
    assert.deepEqual(
      await fingerprint(target.url).then((f) => f["drizzle.__drizzle_migrations"]),
      before["drizzle.__drizzle_migrations"],
    );

    // A second restore into the now populated database is refused, and changes nothing.
    await assert.rejects(restoreDatabase(target.url, archive), RestoreTargetNotEmptyError);
  });

  it("refuses client tools older than the server", async () => {
    await assert.rejects(
      findPgTool("pg_dump", 1000),
      (error: Error) => error instanceof PgToolError && /for PostgreSQL 1000 or newer/.test(error.message),
    );
  });
});
