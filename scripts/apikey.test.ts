// `npm run apikey` as an operator runs it: a child process on a real PostgreSQL (DATABASE_URL, or
// the embedded one in the data directory, running or not), and the keys it prints checked by
// the real requireApiKey middleware.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Hono } from "hono";
import { requireApiKey } from "../server/auth/api-keys.ts";
import { sha256 } from "../server/auth/tokens.ts";
import { type Database, openDatabase } from "../server/db/client.ts";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../server/db/embedded.ts";
import type { AppEnv } from "../server/http/context.ts";
import { ApiError } from "../server/http/errors.ts";
import { createTestDatabase, stopEmbedded, type TestDatabase } from "../server/test/harness.ts";
import { rootDir } from "./lib/paths.ts";

const dataDir = mkdtempSync(join(tmpdir(), "refcodes-apikey-"));
// As root, the embedded PostgreSQL runs as `postgres`, which must be able to enter it.
chmodSync(dataDir, 0o755);

/** Runs the CLI to completion; never throws, so exit codes can be asserted. */
function apikey(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(rootDir, "scripts/apikey.ts"), ...args],
      { env: { ...process.env, REFCODES_DATA_DIR: dataDir, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function created(stdout: string) {
  const id = /created API key ([0-9a-f-]{36})/.exec(stdout)?.[1];
  const key = /^\s+(rk_[\w-]+)$/m.exec(stdout)?.[1];
  assert.ok(id && key, stdout);
  return { id, key };
}

/** The real middleware on a minimal app, with the server's error shape. */
function hostApp(database: Database) {
  const app = new Hono<AppEnv>();
  app.use("/v1/*", requireApiKey(database.db));
  app.get("/v1/whoami", (c) => c.json(c.get("apiKey")!));
  app.onError((error, c) =>
    error instanceof ApiError
      ? c.json({ error: error.code, message: error.message }, error.status)
      : c.json({ error: "internal", message: error.message }, 500),
  );
  return {
    async call(authorization?: string) {
      const response = await app.request("/v1/whoami", authorization ? { headers: { authorization } } : {});
      return { status: response.status, body: (await response.json()) as any };
    },
  };
}

after(async () => {
  await stopEmbedded();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run apikey with DATABASE_URL", () => {
  let database: TestDatabase;
  let db: Database;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    database = await createTestDatabase(); // empty: the CLI applies the migrations
    db = openDatabase(database.url, { max: 2 });
    env = { DATABASE_URL: database.url };
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  it("creates a key, prints it once, and stores only its hash", async () => {
    const result = await apikey(["create", "Acme", "Shop"], env);
    assert.equal(result.code, 0, result.stderr);
    const { id, key } = created(result.stdout);
    assert.match(key, /^rk_[\w-]{43}$/);
    assert.match(result.stdout, /shown only this once/);
    const { rows } = await db.pool.query("select * from api_keys where id = $1", [id]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].name, "Acme Shop");
    assert.deepEqual(rows[0].key_hash, sha256(key));
    assert.equal(rows[0].prefix, key.slice(0, 10));
    assert.equal(rows[0].revoked_at, null);
    assert.ok(!JSON.stringify(rows).includes(key), "the plaintext is not stored");
  });

  it("the key authenticates with requireApiKey until it is revoked", async () => {
    const { id, key } = created((await apikey(["create", "Host One"], env)).stdout);
    const other = created((await apikey(["create", "Host Two"], env)).stdout);
    const host = hostApp(db);

    const ok = await host.call(`Bearer ${key}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { id, name: "Host One" });
    assert.equal((await host.call(`bearer ${key}`)).status, 200, "the scheme is case-insensitive");
    const { rows } = await db.pool.query("select last_used_at from api_keys where id = $1", [id]);
    assert.ok(rows[0].last_used_at, "last use recorded");

    assert.equal((await host.call()).body.error, "api_key_required");
    assert.equal((await host.call(key)).body.error, "api_key_required");
    assert.equal((await host.call(`Bearer ${key.slice(0, -1)}x`)).body.error, "api_key_invalid");
    assert.equal((await host.call(`Bearer ${key} extra`)).status, 401);

    const revoked = await apikey(["revoke", id], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked API key ${id}`));
    const refused = await host.call(`Bearer ${key}`);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, "api_key_invalid");
    assert.equal((await host.call(`Bearer ${other.key}`)).status, 200, "other keys keep working");

    const again = await apikey(["revoke", id], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no active API key with id/);
  });

  it("lists keys with their status, never the key itself", async () => {
    const { id, key } = created((await apikey(["create", "Listed"], env)).stdout);
    const gone = created((await apikey(["create", "Gone"], env)).stdout);
    assert.equal((await apikey(["revoke", gone.id], env)).code, 0);
    const result = await apikey(["list"], env);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.match(lines[0]!, /^ID\s+NAME\s+PREFIX\s+CREATED\s+LAST USED\s+STATUS$/);
    const line = (keyId: string) => lines.find((l) => l.startsWith(keyId)) ?? assert.fail(`${keyId} not listed`);
    const listed = line(id).split(/\s{2,}/);
    assert.deepEqual([listed[1], listed[2], listed[4], listed[5]], ["Listed", `${key.slice(0, 10)}...`, "-", "active"]);
    assert.match(line(gone.id), /revoked \d{4}-\d\d-\d\dT/);
    assert.ok(!result.stdout.includes(key) && !result.stdout.includes(gone.key));
  });

  it("refuses bad usage with exit code 2 and the usage text", async () => {
    for (const args of [[], ["create"], ["create", " "], ["delete", "x"], ["revoke"], ["list", "extra"]]) {
      const result = await apikey(args, env);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /usage: npm run apikey/);
    }
    const help = await apikey(["--help"], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /create <name>/);
  });

  it("answers an id that is no key with exit code 1, not a database error", async () => {
    for (const id of ["nope", "00000000-0000-0000-0000-000000000000"]) {
      const result = await apikey(["revoke", id], env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^no active API key with id/);
    }
  });

  it("reports an unreachable or malformed DATABASE_URL with exit code 1 or 2", async () => {
    const down = await apikey(["list"], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^apikey failed: /);
    const bad = await apikey(["list"], { DATABASE_URL: "mysql://x" });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /DATABASE_URL: expected a postgres:\/\/ URL/);
  });
});

describe("npm run apikey with the embedded database of the data directory", () => {
  const embeddedEnv = { DATABASE_URL: "" };
  const directory = join(dataDir, "postgres");
  let firstKey: { id: string; key: string };

  it("starts the embedded cluster itself when nothing runs it, and stops it again", async () => {
    const result = await apikey(["create", "Embedded"], embeddedEnv);
    assert.equal(result.code, 0, result.stderr);
    firstKey = created(result.stdout);
    assert.ok(existsSync(join(directory, "data", "PG_VERSION")), "initialised in <data dir>/postgres");
    assert.ok(!existsSync(join(directory, "running.json")), "no longer running");
    assert.ok(!existsSync(join(directory, "data", "postmaster.pid")), "postgres stopped");
  });

  describe("while another process (npm start) runs the cluster", () => {
    let running: EmbeddedDatabase;
    let db: Database;
    before(async () => {
      running = await startEmbeddedPostgres(directory);
      db = openDatabase(running.url, { max: 2 });
    });
    after(async () => {
      await db?.close();
      await running?.stop();
    });

    it("records where it runs in running.json", () => {
      assert.ok(existsSync(join(directory, "running.json")));
    });

    it("uses that cluster instead of starting a second one, and leaves it running", async () => {
      const listed = await apikey(["list"], embeddedEnv);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`${firstKey.id}\\s+Embedded`));
      const { key } = created((await apikey(["create", "While Running"], embeddedEnv)).stdout);
      assert.equal((await hostApp(db).call(`Bearer ${key}`)).status, 200);
      assert.equal((await db.pool.query("select 1")).rowCount, 1, "still running");
    });

    it("finds the cluster through postmaster.pid when its owner died without cleaning up", async () => {
      const dead = spawn(process.execPath, ["-e", ""]);
      const pid = dead.pid!;
      await new Promise((resolve) => dead.once("exit", resolve));
      writeFileSync(
        join(directory, "running.json"),
        JSON.stringify({ url: "postgres://stale@127.0.0.1:1/x", port: 1, pid }),
      );
      const listed = await apikey(["list"], embeddedEnv);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(firstKey.id));
      writeFileSync(
        join(directory, "running.json"),
        JSON.stringify({ url: running.url, port: running.port, pid: process.pid }),
      );
    });
  });
});
