// Sessions and users through the real server: cookie attributes, rotation, logout and expiry
// server-side; a user per wallet, created once, with further wallets linked by signing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sha256 } from "./tokens.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import {
  assertRejected,
  query,
  sessionCookieLine,
  sessionToken,
  signedSiwe,
  startExtraServer,
} from "./test-fixtures.ts";
import { purgeExpiredNonces } from "./nonces.ts";
import { purgeExpiredSessions, SESSION_COOKIE } from "./sessions.ts";

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

const attributes = (line: string) =>
  line
    .split(";")
    .slice(1)
    .map((part) => part.trim().toLowerCase());

/** A request carrying exactly this session token. */
const withToken = (token: string, path = "/api/auth/session") =>
  stack.client().get(path, { cookie: `${SESSION_COOKIE}=${token}` });

const countUsers = async () => (await query(stack, "select count(*)::int as n from users")).rows[0].n as number;

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, path /, with the session's max age, and not Secure on localhost", async () => {
    const client = stack.client();
    const response = await client.post("/api/auth/verify", await signedSiwe(client, newAccount()));
    assert.equal(response.status, 200);
    const line = sessionCookieLine(response)!;
    assert.ok(line, "a session cookie");
    assert.match(line, new RegExp(`^${SESSION_COOKIE}=[\\w-]{43};`));
    const attrs = attributes(line);
    assert.ok(attrs.includes("httponly"), line);
    assert.ok(attrs.includes("samesite=lax"), line);
    assert.ok(attrs.includes("path=/"), line);
    assert.ok(attrs.includes(`max-age=${7 * 24 * 3600}`), line);
    assert.ok(!attrs.includes("secure"), line);
  });

  it("is Secure when PUBLIC_URL is https", async () => {
    const extra = await startExtraServer(stack, { PUBLIC_URL: "https://refcodes.example" });
    try {
      const client = extra.client();
      const fields = { domain: "refcodes.example", uri: "https://refcodes.example/app" };
      const response = await client.post("/api/auth/verify", await signedSiwe(client, newAccount(), fields));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const attrs = attributes(sessionCookieLine(response)!);
      assert.ok(attrs.includes("secure"), String(attrs));
      assert.ok(attrs.includes("httponly") && attrs.includes("samesite=lax"), String(attrs));
      // ...and the logout's clearing cookie carries the same attributes.
      const logout = await client.post("/api/auth/logout");
      const clearing = attributes(sessionCookieLine(logout)!);
      assert.ok(clearing.includes("max-age=0") && clearing.includes("secure"), String(clearing));

      // This server's SIWE domain is refcodes.example: a message for localhost is refused.
      const other = extra.client();
      assertRejected(
        await other.post("/api/auth/verify", await signedSiwe(other, newAccount())),
        401,
        "siwe_domain_mismatch",
      );
    } finally {
      await extra.stop();
    }
  });
});

describe("session lifecycle", () => {
  it("rotates on a new sign-in: a new token, and the old one no longer works", async () => {
    const client = stack.client();
    const account = newAccount();
    const first = await signIn(client, account);
    const oldToken = sessionToken(client)!;
    assert.equal((await withToken(oldToken)).status, 200);

    const second = await signIn(client, account); // sends the old cookie along
    const newToken = sessionToken(client)!;
    assert.notEqual(newToken, oldToken);
    assert.equal(second.session.userId, first.session.userId);
    assert.equal((await withToken(oldToken)).status, 401);
    assert.equal((await withToken(newToken)).status, 200);
    const rows = await query(stack, "select 1 from sessions where token_hash = $1", [sha256(oldToken)]);
    assert.equal(rows.rowCount, 0, "the old session is deleted server-side");
  });

  it("a sign-in as another wallet replaces the session of the previous one", async () => {
    const client = stack.client();
    const a = await signIn(client, newAccount());
    const tokenA = sessionToken(client)!;
    const b = await signIn(client, newAccount());
    assert.notEqual(a.session.userId, b.session.userId);
    assert.equal((await withToken(tokenA)).status, 401);
    assert.equal((await client.get("/api/auth/session")).body.userId, b.session.userId);
  });

  it("logout deletes the session server-side: the old cookie value is refused", async () => {
    const client = stack.client();
    await signIn(client);
    const token = sessionToken(client)!;
    const logout = await client.post("/api/auth/logout");
    assert.equal(logout.status, 204);
    assert.ok(attributes(sessionCookieLine(logout)!).includes("max-age=0"), "the cookie is cleared");
    assert.equal(sessionToken(client), undefined);
    assertRejected(await withToken(token), 401, "unauthorized");
    const rows = await query(stack, "select 1 from sessions where token_hash = $1", [sha256(token)]);
    assert.equal(rows.rowCount, 0);
  });

  it("logout without a session is a 204 that sets no cookie", async () => {
    const response = await stack.client().post("/api/auth/logout");
    assert.equal(response.status, 204);
    assert.equal(sessionCookieLine(response), undefined);
  });

  it("refuses an expired session, and logout still deletes its row", async () => {
    const client = stack.client();
    await signIn(client);
    const token = sessionToken(client)!;
    await query(stack, "update sessions set expires_at = now() - interval '1 second' where token_hash = $1", [
      sha256(token),
    ]);
    assertRejected(await client.get("/api/auth/session"), 401, "unauthorized");
    const link = await client.post("/api/auth/link", await signedSiwe(client, newAccount()));
    assertRejected(link, 401, "unauthorized");
    assert.equal((await client.post("/api/auth/logout")).status, 204);
    const rows = await query(stack, "select 1 from sessions where token_hash = $1", [sha256(token)]);
    assert.equal(rows.rowCount, 0);
  });

  it("refuses unknown, tampered and oversized tokens", async () => {
    const client = stack.client();
    await signIn(client);
    const token = sessionToken(client)!;
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const value of [tampered, "x", "a".repeat(43), "a".repeat(5000)]) {
      assertRejected(await withToken(value), 401, "unauthorized");
    }
  });

  it("stores only a hash of the token", async () => {
    const client = stack.client();
    await signIn(client);
    const token = sessionToken(client)!;
    const rows = await query(stack, "select token_hash from sessions where token_hash = $1", [sha256(token)]);
    assert.equal(rows.rowCount, 1);
    const plain = await query(stack, "select 1 from sessions where token_hash = convert_to($1, 'UTF8')", [token]);
    assert.equal(plain.rowCount, 0);
  });
});

describe("purging expired rows", () => {
  it("deletes expired sessions and nonces, and keeps the live ones", async () => {
    const db = stack.server.deps.db;
    const live = stack.client();
    await signIn(live);
    const expired = stack.client();
    await signIn(expired);
    const expiredToken = sessionToken(expired)!;
    await query(stack, "update sessions set expires_at = now() - interval '1 second' where token_hash = $1", [
      sha256(expiredToken),
    ]);
    const liveNonce = (await stack.client().get("/api/auth/nonce")).body.nonce;
    const expiredNonce = (await stack.client().get("/api/auth/nonce")).body.nonce;
    await query(stack, "update siwe_nonces set expires_at = now() - interval '1 second' where nonce = $1", [
      expiredNonce,
    ]);

    assert.ok((await purgeExpiredSessions(db)) >= 1);
    assert.ok((await purgeExpiredNonces(db)) >= 1);
    const session = (token: string) => query(stack, "select 1 from sessions where token_hash = $1", [sha256(token)]);
    const nonce = (value: string) => query(stack, "select 1 from siwe_nonces where nonce = $1", [value]);
    assert.equal((await session(expiredToken)).rowCount, 0);
    assert.equal((await session(sessionToken(live)!)).rowCount, 1);
    assert.equal((await nonce(expiredNonce)).rowCount, 0);
    assert.equal((await nonce(liveNonce)).rowCount, 1);
    assert.equal((await live.get("/api/auth/session")).status, 200);
  });
});

describe("users", () => {
  it("the first sign-in creates the user with its wallet; the next ones find it", async () => {
    const account = newAccount();
    const before = await countUsers();
    const first = await signIn(stack.client(), account);
    assert.equal(await countUsers(), before + 1);
    const wallet = await query(stack, "select user_id from wallets where address = $1", [account.address]);
    assert.equal(wallet.rows[0].user_id, first.session.userId);

    const second = await signIn(stack.client(), account);
    assert.equal(second.session.userId, first.session.userId);
    assert.equal(await countUsers(), before + 1);
    const session = await stack.client().get("/api/auth/session");
    assert.equal(session.status, 401, "a fresh client has no session");
  });

  it("concurrent first sign-ins of one wallet make one user", async () => {
    const account = newAccount();
    const before = await countUsers();
    const clients = Array.from({ length: 8 }, () => stack.client());
    const bodies = await Promise.all(clients.map((client) => signedSiwe(client, account)));
    const responses = await Promise.all(clients.map((client, i) => client.post("/api/auth/verify", bodies[i])));
    for (const response of responses) assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(new Set(responses.map((response) => response.body.userId)).size, 1);
    assert.equal(await countUsers(), before + 1);
  });

  it("links a second wallet, listed in the session; signing in with it finds the same user", async () => {
    const client = stack.client();
    const first = newAccount();
    const second = newAccount();
    const { session } = await signIn(client, first);
    const linked = await client.post("/api/auth/link", await signedSiwe(client, second));
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.equal(linked.body.userId, session.userId);
    assert.equal(linked.body.wallet, first.address, "the session stays on the wallet it signed in with");
    assert.deepEqual(linked.body.wallets, [first.address, second.address]);
    assert.deepEqual((await client.get("/api/auth/session")).body.wallets, [first.address, second.address]);

    const again = await client.post("/api/auth/link", await signedSiwe(client, second));
    assert.equal(again.status, 200, "linking a wallet the user already has is a no-op");
    assert.deepEqual(again.body.wallets, [first.address, second.address]);

    const viaSecond = await signIn(stack.client(), second);
    assert.equal(viaSecond.session.userId, session.userId);
  });

  it("refuses to link a wallet owned by another user (409), leaving it with its owner", async () => {
    const owner = newAccount();
    const { session: ownerSession } = await signIn(stack.client(), owner);
    const client: TestClient = stack.client();
    const { session } = await signIn(client);
    const response = await client.post("/api/auth/link", await signedSiwe(client, owner));
    assert.equal(response.status, 409);
    assert.equal(response.body.error, "wallet_taken");
    const wallet = await query(stack, "select user_id from wallets where address = $1", [owner.address]);
    assert.equal(wallet.rows[0].user_id, ownerSession.userId);
    assert.deepEqual((await client.get("/api/auth/session")).body.wallets, [session.wallet]);
  });

  it("linking requires a session (401) and a valid signature by the linked wallet", async () => {
    const anonymous = stack.client();
    const unsigned = await anonymous.post("/api/auth/link", await signedSiwe(anonymous, newAccount()));
    assertRejected(unsigned, 401, "unauthorized");

    const client = stack.client();
    const { session } = await signIn(client);
    const target = newAccount();
    const forged = await signedSiwe(client, newAccount(), { address: target.address });
    assertRejected(await client.post("/api/auth/link", forged), 401, "siwe_bad_signature");
    assert.deepEqual((await client.get("/api/auth/session")).body.wallets, [session.wallet]);
    const owned = await query(stack, "select 1 from wallets where address = $1", [target.address]);
    assert.equal(owned.rowCount, 0);
  });
});
