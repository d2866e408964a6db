// Visit totals: the windows over backdated buckets, the many-codes function and who may read them.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { refcodeVisitDays } from "../db/schema.ts";
import { insertCode as insertCodeFor } from "../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestStack } from "../test/harness.ts";
import { visitTotals } from "./totals.ts";
import { utcDayNumber, utcDayString } from "./visitor.ts";

const admin = newAccount();
let stack: TestStack;
before(async () => {
  stack = await startTestStack({ env: { ADMIN_WALLETS: admin.address } });
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;
const NOW = new Date("2031-05-20T13:00:00Z").getTime();
const daysAgo = (n: number) => utcDayString(utcDayNumber(NOW) - n);

/** A code of the user `userId`, or of a new user. */
const insertCode = (userId?: string) => insertCodeFor(db(), newAccount().address, userId ? { userId } : {});

/** Buckets {days ago: visits}; days ago -1 is tomorrow. */
async function backdate(codeId: string, buckets: Record<number, number>) {
  await db()
    .insert(refcodeVisitDays)
    .values(Object.entries(buckets).map(([ago, visits]) => ({ codeId, day: daysAgo(Number(ago)), visits })));
}

const SPREAD = { [-1]: 64, 0: 3, 1: 2, 6: 4, 7: 8, 27: 16, 28: 32 };
const SPREAD_TOTALS = { today: 3, last7Days: 3 + 2 + 4, last28Days: 3 + 2 + 4 + 8 + 16 };

describe("visitTotals", () => {
  it("sums today, the last 7 and the last 28 UTC days (each including today) for many codes at once", async () => {
    const [spread, quiet, old] = [await insertCode(), await insertCode(), await insertCode()];
    await backdate(spread.id, SPREAD);
    await backdate(old.id, { 28: 5, 100: 7 });
    const unknown = randomUUID();
    const totals = await visitTotals(db(), [spread.id, quiet.id, old.id, unknown, spread.id], NOW);
    assert.deepEqual(totals.get(spread.id), SPREAD_TOTALS);
    const zeros = { today: 0, last7Days: 0, last28Days: 0 };
    assert.deepEqual(totals.get(quiet.id), zeros);
    assert.deepEqual(totals.get(old.id), zeros);
    assert.deepEqual(totals.get(unknown), zeros);
    assert.equal(totals.size, 4);
    assert.deepEqual(await visitTotals(db(), [], NOW), new Map());
    // The day boundary is UTC: a minute before midnight, "today" is still the 20th.
    const lateTotals = await visitTotals(db(), [spread.id], new Date("2031-05-20T23:59:00Z").getTime());
    assert.deepEqual(lateTotals.get(spread.id), SPREAD_TOTALS);
  });
});

describe("GET /api/refcodes/{code}/visits", () => {
  it("shows the owner and an admin the totals; refuses others", async () => {
    const owner = stack.client();
    const { session } = await signIn(owner);
    const code = await insertCode(session.userId);
    await backdate(code.id, SPREAD);
    stack.server.app.beacon.now = () => NOW;
    try {
      const mine = await owner.get(`/api/refcodes/${code.code.toLowerCase()}/visits`);
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body, { code: code.code, day: daysAgo(0), ...SPREAD_TOTALS });

      const adminClient = stack.client();
      await signIn(adminClient, admin);
      const asAdmin = await adminClient.get(`/api/refcodes/${code.code}/visits`);
      assert.equal(asAdmin.status, 200);
      assert.deepEqual(asAdmin.body, mine.body);

      const stranger = stack.client();
      await signIn(stranger);
      const refused = await stranger.get(`/api/refcodes/${code.code}/visits`);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error, "forbidden");

      assert.equal((await stack.client().get(`/api/refcodes/${code.code}/visits`)).status, 401);
      const unknown = await owner.get("/api/refcodes/nosuchcode42/visits");
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error, "unknown_code");
    } finally {
      stack.server.app.beacon.now = Date.now;
    }
  });

  it("counts what the beacon stored", async () => {
    const owner = stack.client();
    const { session } = await signIn(owner);
    const code = await insertCode(session.userId);
    const browser =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15";
    for (const visitor of ["a", "b", "a"]) {
      const response = await stack
        .client()
        .post("/api/refcodes/track", { code: code.code }, { "user-agent": `${browser} ${visitor}` });
      assert.equal(response.status, 204);
    }
    const totals = await owner.get(`/api/refcodes/${code.code}/visits`);
    assert.deepEqual(
      { today: totals.body.today, last7Days: totals.body.last7Days, last28Days: totals.body.last28Days },
      { today: 2, last7Days: 2, last28Days: 2 },
    );
  });
});
