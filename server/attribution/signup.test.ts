import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { insertCode } from "../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestStack } from "../test/harness.ts";

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;
const userRow = async (id: string) => (await db().select().from(users).where(eq(users.id, id)))[0]!;

describe("sign-up attribution", () => {
  it("makes the first-touch code the user's referredBy on the first sign-in", async () => {
    const code = await insertCode(db(), newAccount().address);
    const client = stack.client();
    client.cookies.set("ring_ref", code.code);
    const { session } = await signIn(client);
    const user = await userRow(session.userId);
    assert.equal(user.referredByCodeId, code.id);
    assert.equal(user.referredByUserId, code.userId);
    assert.equal(user.signupAttribution, "accepted");
    const current = await client.get("/api/auth/session");
    assert.equal(current.body.referredByUserId, code.userId);
  });

  it("decides only once: a later sign-in with another code changes nothing", async () => {
    const first = await insertCode(db(), newAccount().address);
    const second = await insertCode(db(), newAccount().address);
    const account = newAccount();
    const client = stack.client();
    client.cookies.set("ring_ref", first.code);
    const { session } = await signIn(client, account);
    const later = stack.client();
    later.cookies.set("ring_ref", second.code);
    await signIn(later, account);
    assert.equal((await userRow(session.userId)).referredByCodeId, first.id);
  });

  it("stores the reason when the code is unknown or inactive", async () => {
    const unknown = stack.client();
    unknown.cookies.set("ring_ref", "NOPE-NOPE");
    const a = await signIn(unknown);
    const inactive = await insertCode(db(), newAccount().address, { active: false });
    const client = stack.client();
    client.cookies.set("ring_ref", inactive.code);
    const b = await signIn(client);
    assert.deepEqual(
      [
        (await userRow(a.session.userId)).signupAttributionReason,
        (await userRow(b.session.userId)).signupAttributionReason,
      ],
      ["unknown_code", "inactive_code"],
    );
    assert.equal((await userRow(b.session.userId)).referredByUserId, null);
  });

  it("leaves users without a cookie unattributed", async () => {
    const { session } = await signIn(stack.client());
    const user = await userRow(session.userId);
    assert.equal(user.signupAttribution, "none");
    assert.equal(user.referredByCodeId, null);
  });
});
