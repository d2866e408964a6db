import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newAccount, signIn, startTestStack, type TestStack } from "../test/harness.ts";

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

describe("SIWE sign-in", () => {
  it("signs in, creates the user, keeps the session and logs out", async () => {
    const client = stack.client();
    const account = newAccount();
    const { session } = await signIn(client, account);
    assert.equal(session.wallet, account.address);
    const current = await client.get("/api/auth/session");
    assert.equal(current.status, 200);
    assert.equal(current.body.userId, session.userId);
    assert.equal((await client.post("/api/auth/logout")).status, 204);
    assert.equal((await client.get("/api/auth/session")).status, 401);
  });
});
