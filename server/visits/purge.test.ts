import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { asc } from "drizzle-orm";
import { refcodeVisitDays, refcodeVisitors } from "../db/schema.ts";
import { insertCode } from "../test/fixtures.ts";
import { newAccount, startTestStack, type TestStack } from "../test/harness.ts";
import { purgeOldVisitors } from "./purge.ts";

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

describe("purgeOldVisitors", () => {
  it("deletes de-duplication rows from before yesterday and keeps the daily counts", async () => {
    const db = stack.server.deps.db;
    const code = await insertCode(db, newAccount().address);
    const days = ["2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"];
    await db.insert(refcodeVisitors).values(days.map((day) => ({ codeId: code.id, day, visitor: Buffer.from(day) })));
    await db.insert(refcodeVisitDays).values(days.map((day) => ({ codeId: code.id, day, visits: 1 })));
    assert.equal(await purgeOldVisitors(db, "2026-03-10"), 2);
    const left = await db.select({ day: refcodeVisitors.day }).from(refcodeVisitors).orderBy(asc(refcodeVisitors.day));
    assert.deepEqual(
      left.map((row) => row.day),
      ["2026-03-09", "2026-03-10"],
    );
    assert.equal((await db.select().from(refcodeVisitDays)).length, 4);
  });
});
