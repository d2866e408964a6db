// The visit beacon end to end: real server, real PostgreSQL, real group commits.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { insertCode as insertCodeFor } from "../test/fixtures.ts";
import { newAccount, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import { createVisitBeacon } from "./beacon.ts";
import { VISITOR_COOKIE, utcDayNumber, utcDayString } from "./visitor.ts";

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;
const pool = () => stack.server.deps.database.pool;
const beacon = () => stack.server.app.beacon;
const DAY_MS = 86_400_000;
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const insertCode = (options: { active?: boolean } = {}) => insertCodeFor(db(), newAccount().address, options);

const track = (client: TestClient, code: unknown, headers: Record<string, string> = {}) =>
  client.post("/api/refcodes/track", { code }, { "user-agent": CHROME, ...headers });

/** The daily buckets of a code: {"YYYY-MM-DD": visits}. */
async function buckets(codeId: string): Promise<Record<string, number>> {
  const { rows } = await pool().query<{ day: string; visits: number }>(
    "select day::text as day, visits from refcode_visit_days where code_id = $1 order by day",
    [codeId],
  );
  return Object.fromEntries(rows.map((row) => [row.day, row.visits]));
}

async function visitorRows(codeId: string): Promise<number> {
  const { rows } = await pool().query("select count(*)::int as n from refcode_visitors where code_id = $1", [codeId]);
  return rows[0].n;
}

const today = () => utcDayString(utcDayNumber(Date.now()));
/** A returning visitor's cookie: issued yesterday, so it identifies the visitor today. */
const returningCookie = (id = randomBytes(16).toString("base64url"), now = Date.now()) =>
  `${VISITOR_COOKIE}=${id}.${utcDayNumber(now) - 1}`;

/** Runs `body` with the beacon's clock at `at`, then restores it. */
async function at<T>(time: Date, body: () => Promise<T>): Promise<T> {
  beacon().now = () => time.getTime();
  try {
    return await body();
  } finally {
    beacon().now = Date.now;
  }
}

describe("POST /api/refcodes/track", () => {
  it("answers 204 once the visit is stored and sets the visitor cookie", async () => {
    const code = await insertCode();
    const client = stack.client();
    const response = await track(client, code.code);
    assert.equal(response.status, 204);
    assert.deepEqual(await buckets(code.id), { [today()]: 1 });
    assert.equal(await visitorRows(code.id), 1);
    const cookie = response.setCookies.find((line) => line.startsWith(`${VISITOR_COOKIE}=`));
    assert.ok(cookie, "ring_vid is set");
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, "PUBLIC_URL is localhost: no Secure");
    assert.match(cookie, /Path=\/api\/refcodes\/track/);
    assert.equal(response.headers.get("cache-control"), "no-store");
    // case-insensitive code
    assert.equal(
      (await track(stack.client(), code.code.toLowerCase(), { "user-agent": `${CHROME} other` })).status,
      204,
    );
    assert.deepEqual(await buckets(code.id), { [today()]: 2 });
    // navigator.sendBeacon(url, JSON.stringify(body)) sends text/plain
    const beaconed = await stack.client().request("POST", "/api/refcodes/track", {
      body: JSON.stringify({ code: code.code }),
      headers: { "content-type": "text/plain;charset=UTF-8", "user-agent": `${CHROME} sendBeacon` },
    });
    assert.equal(beaconed.status, 204);
    assert.deepEqual(await buckets(code.id), { [today()]: 3 });
  });

  it("counts the same visitor once a day, with or without its cookie", async () => {
    const code = await insertCode();
    const client = stack.client();
    for (let i = 0; i < 3; i++) assert.equal((await track(client, code.code)).status, 204);
    assert.ok(client.cookies.has(VISITOR_COOKIE));
    // Another browser without cookies behind the same address with the same user agent is the same visitor.
    assert.equal((await track(stack.client(), code.code)).status, 204);
    const cookie = returningCookie();
    for (let i = 0; i < 3; i++) assert.equal((await track(stack.client(), code.code, { cookie })).status, 204);
    assert.deepEqual(await buckets(code.id), { [today()]: 2 });
    assert.equal(await visitorRows(code.id), 2);
  });

  it("counts different visitors: other user agents, other returning cookies", async () => {
    const code = await insertCode();
    await track(stack.client(), code.code, { "user-agent": `${CHROME} A` });
    await track(stack.client(), code.code, { "user-agent": `${CHROME} B` });
    await track(stack.client(), code.code, { cookie: returningCookie() });
    await track(stack.client(), code.code, { cookie: returningCookie() });
    assert.deepEqual(await buckets(code.id), { [today()]: 4 });
  });

  it("counts a visitor again on the next UTC day", async () => {
    const code = await insertCode();
    const client = stack.client();
    const late = new Date("2030-03-10T23:59:59.900Z");
    const early = new Date("2030-03-11T00:00:00.100Z");
    await at(late, async () => {
      assert.equal((await track(client, code.code)).status, 204);
      assert.equal((await track(client, code.code)).status, 204);
    });
    await at(early, async () => {
      assert.equal((await track(client, code.code)).status, 204);
      assert.equal((await track(client, code.code)).status, 204);
      // a cookie-less browser is counted again on the new day too
      assert.equal((await track(stack.client(), code.code, { "user-agent": `${CHROME} fresh` })).status, 204);
    });
    assert.deepEqual(await buckets(code.id), { "2030-03-10": 1, "2030-03-11": 2 });
  });

  it("ignores known bots: 204, nothing stored", async () => {
    const code = await insertCode();
    const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    for (const userAgent of ["Googlebot/2.1", googlebot]) {
      const response = await track(stack.client(), code.code, { "user-agent": userAgent });
      assert.equal(response.status, 204);
      assert.deepEqual(response.setCookies, []);
    }
    assert.deepEqual(await buckets(code.id), {});
    assert.equal(await visitorRows(code.id), 0);
  });

  it("answers 404 for an unknown or inactive code, 400 for a malformed body", async () => {
    const client = stack.client();
    const unknown = await track(client, "nosuchcode42");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, "unknown_code");
    assert.match(unknown.body.message, /nosuchcode42/);
    const inactive = await insertCode({ active: false });
    const response = await track(client, inactive.code);
    assert.equal(response.status, 404);
    assert.equal(response.body.error, "inactive_code");
    assert.match(response.body.message, /inactive/);
    assert.deepEqual(await buckets(inactive.id), {});

    const post = (body: string, contentType = "application/json") =>
      client.request("POST", "/api/refcodes/track", { body, headers: { "content-type": contentType } });
    for (const body of ["{", "", "[]", "{}", '{"code":42}', '{"code":""}', JSON.stringify({ code: "x".repeat(65) })]) {
      const bad = await post(body);
      assert.equal(bad.status, 400, `body ${JSON.stringify(body)}`);
      assert.equal(typeof bad.body.message, "string");
    }
    for (const body of ["{", "", "{}", '{"code":42}']) {
      assert.equal((await post(body, "text/plain;charset=UTF-8")).status, 400, `text body ${JSON.stringify(body)}`);
    }
    assert.equal((await post('{"code":"abc"}', "text/html")).status, 415);
  });

  it("stores exactly one visit per unique visitor under 500 parallel beacons, in batches", async () => {
    const code = await insertCode();
    const batchesBefore = await batchCount();
    const unique = 400;
    const requests = Array.from({ length: 500 }, (_, i) =>
      track(stack.client(), code.code, { "user-agent": `${CHROME} visitor-${i % unique}` }),
    );
    const statuses = (await Promise.all(requests)).map((response) => response.status);
    assert.deepEqual(new Set(statuses), new Set([204]));
    assert.deepEqual(await buckets(code.id), { [today()]: unique });
    assert.equal(await visitorRows(code.id), unique);
    const batches = (await batchCount()) - batchesBefore;
    assert.ok(batches > 0 && batches < unique, `${batches} group commits for ${unique} visits`);
  });

  it("acknowledges a visit only after its batch has committed", async () => {
    const code = await insertCode();
    const locker = new pg.Client({ connectionString: stack.database.url });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table refcode_visit_days in exclusive mode");
      let settled = false;
      const pending = track(stack.client(), code.code).then((response) => {
        settled = true;
        return response;
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(settled, false, "no answer while the batch cannot commit");
      await locker.query("commit");
      assert.equal((await pending).status, 204);
      assert.deepEqual(await buckets(code.id), { [today()]: 1 });
    } finally {
      await locker.end();
    }
  });

  it("answers 503 when the batch fails, and stores nothing of it", async () => {
    const code = await insertCode();
    await pool().query("alter table refcode_visit_days add constraint beacon_test_fail check (visits < 0) not valid");
    try {
      const responses = await Promise.all([
        track(stack.client(), code.code, { "user-agent": `${CHROME} one` }),
        track(stack.client(), code.code, { "user-agent": `${CHROME} two` }),
      ]);
      for (const response of responses) {
        assert.equal(response.status, 503);
        assert.equal(response.body.error, "visit_not_stored");
        assert.equal(response.headers.get("retry-after"), "1");
        assert.deepEqual(response.setCookies, [], "no visitor cookie with a failed visit");
      }
      assert.equal(await visitorRows(code.id), 0, "the visitor rows rolled back with the bucket");
    } finally {
      await pool().query("alter table refcode_visit_days drop constraint beacon_test_fail");
    }
    // The retry is a first visit, so nothing of the failed batch was kept.
    assert.equal((await track(stack.client(), code.code, { "user-agent": `${CHROME} one` })).status, 204);
    assert.deepEqual(await buckets(code.id), { [today()]: 1 });
  });
});

async function batchCount(): Promise<number> {
  const metrics = await (await fetch(new URL("/metrics", stack.url))).text();
  return Number(/^refcodes_beacon_batch_size_count (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

describe("createVisitBeacon", () => {
  it("deduplicates within a batch, writes what is buffered on close, then refuses visits", async () => {
    const code = await insertCode();
    const own = createVisitBeacon(stack.server.deps, { flushMs: 1000 });
    const day = utcDayString(utcDayNumber(Date.now() - 3 * DAY_MS));
    const visitor = (n: number) => n.toString(16).padStart(32, "0");
    const visits = [own.record(code.id, day, visitor(1)), own.record(code.id, day, visitor(1))];
    visits.push(own.record(code.id, day, visitor(2)));
    assert.equal(visits[0], visits[1], "a duplicate in the batch waits on the same commit");
    await own.close();
    await Promise.all(visits);
    assert.deepEqual(await buckets(code.id), { [day]: 2 });
    await assert.rejects(own.record(code.id, day, visitor(3)), { name: "BeaconUnavailableError", reason: "closed" });
  });

  it("sends a full batch at once and queues batches beyond the flights", async () => {
    const code = await insertCode();
    const own = createVisitBeacon(stack.server.deps, { flushMs: 60_000, maxBatch: 10, maxInFlight: 1 });
    const day = today();
    const started = Date.now();
    const visits = Array.from({ length: 35 }, (_, i) => own.record(code.id, day, i.toString(16).padStart(32, "0")));
    await Promise.all(visits.slice(0, 30)); // three full batches, one flight at a time
    assert.ok(Date.now() - started < 5_000, "full batches do not wait for the flush delay");
    assert.deepEqual(await buckets(code.id), { [day]: 30 });
    await own.close();
    await Promise.all(visits);
    assert.deepEqual(await buckets(code.id), { [day]: 35 });
  });

  it("refuses visits beyond maxPending with reason overloaded", async () => {
    const code = await insertCode();
    const own = createVisitBeacon(stack.server.deps, { flushMs: 60_000, maxPending: 2 });
    const day = today();
    const first = [own.record(code.id, day, "a".repeat(32)), own.record(code.id, day, "b".repeat(32))];
    await assert.rejects(own.record(code.id, day, "c".repeat(32)), { reason: "overloaded" });
    await own.close();
    await Promise.all(first);
    assert.deepEqual(await buckets(code.id), { [day]: 2 });
  });
});
