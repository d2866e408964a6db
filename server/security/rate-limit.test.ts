// Rate limits: the token bucket itself, the client key (IPv6 by /64), and the real server's nonce,
// sign-in and beacon routes answering 429 `rate_limited` with Retry-After, per client address.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { clientKey, createRateLimiter } from "../http/rate-limit.ts";
import { insertCode } from "../test/fixtures.ts";
import { newAccount, siweMessage, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";

describe("createRateLimiter", () => {
  it("allows a burst of the per-minute budget, then refuses until a request's share has refilled", () => {
    const limiter = createRateLimiter(6); // one request per 10 s
    const start = 1_000_000;
    for (let i = 0; i < 6; i++) assert.equal(limiter.take("a", start), 0, `request ${i + 1}`);
    assert.equal(limiter.take("a", start), 10_000, "the 7th waits for one refill");
    assert.equal(limiter.take("a", start + 4_000), 6_000);
    assert.equal(limiter.take("a", start + 10_000), 0, "refilled");
    assert.ok(limiter.take("a", start + 10_000) > 0);
  });

  it("keeps each key's budget apart", () => {
    const limiter = createRateLimiter(1);
    assert.equal(limiter.take("a", 0), 0);
    assert.ok(limiter.take("a", 0) > 0);
    assert.equal(limiter.take("b", 0), 0);
  });

  it("forgets keys whose bucket is full again, and never holds more than maxKeys", () => {
    const limiter = createRateLimiter(60, { maxKeys: 3 });
    for (const key of ["a", "b", "c", "d"]) limiter.take(key, 0);
    assert.equal(limiter.size, 3, "the oldest key was dropped");
    limiter.take("e", 61_000); // a minute on: the sweep runs, every earlier bucket is full
    assert.equal(limiter.size, 1);
  });
});

describe("clientKey", () => {
  it("keys IPv4 by address and IPv6 by its /64, whatever the notation", () => {
    assert.equal(clientKey("203.0.113.7"), "203.0.113.7");
    assert.equal(clientKey("::ffff:203.0.113.7"), "203.0.113.7");
    const network = clientKey("2001:db8:aa:bb::1");
    assert.equal(network, "2001:db8:aa:bb::/64");
    assert.equal(clientKey("2001:0db8:00aa:00bb:ffff:1:2:3"), network);
    assert.equal(clientKey("2001:DB8:AA:BB::2%eth0"), network);
    assert.notEqual(clientKey("2001:db8:aa:bc::1"), network);
    assert.equal(clientKey("2001:db8::1"), "2001:db8:0:0::/64");
  });
});

describe("the server's limits", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({
      env: {
        TRUST_PROXY: "1", // X-Forwarded-For names the client: each test gets addresses of its own
        RATE_LIMIT_NONCE_PER_MINUTE: "3",
        RATE_LIMIT_AUTH_PER_MINUTE: "2",
        RATE_LIMIT_BEACON_PER_MINUTE: "5",
      },
    });
  });
  after(() => stack?.stop());

  const from = (address: string) => ({ "x-forwarded-for": address });

  function assertLimited(response: { status: number; headers: Headers; body: any }) {
    assert.equal(response.status, 429, JSON.stringify(response.body));
    assert.equal(response.body.error, "rate_limited");
    const retryAfter = Number(response.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  }

  it("nonces: the budget per address, then 429 with Retry-After; another address is not affected", async () => {
    const client = stack.client();
    for (let i = 0; i < 3; i++) assert.equal((await client.get("/api/auth/nonce", from("198.51.100.1"))).status, 200);
    assertLimited(await client.get("/api/auth/nonce", from("198.51.100.1")));
    assert.equal((await client.get("/api/auth/nonce", from("198.51.100.2"))).status, 200);
  });

  it("sign-in attempts: refused ones count too, and wallet linking shares the budget", async () => {
    const client: TestClient = stack.client();
    const account = newAccount();
    const message = await siweMessage(client, account.address);
    const wrong = await newAccount().signMessage({ message });
    const attempt = () => client.post("/api/auth/verify", { message, signature: wrong }, from("198.51.100.3"));
    assert.equal((await attempt()).status, 401);
    assert.equal((await attempt()).status, 401);
    assertLimited(await attempt());
    assertLimited(await client.post("/api/auth/link", { message, signature: wrong }, from("198.51.100.3")));
  });

  it("the visit beacon: 429 past an address's budget; a forged X-Forwarded-For entry does not help", async () => {
    const code = await insertCode(stack.server.deps.db, newAccount().address);
    const beacon = (forwardedFor: string) =>
      stack.client().post(
        "/api/refcodes/track",
        { code: code.code },
        {
          "x-forwarded-for": forwardedFor,
          "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
        },
      );
    for (let i = 0; i < 5; i++) assert.equal((await beacon("203.0.113.9")).status, 204);
    // The proxy appends the address it saw; what the client wrote before it is not trusted (TRUST_PROXY=1).
    assertLimited(await beacon("198.51.100.99, 203.0.113.9"));
    assert.equal((await beacon("203.0.113.10")).status, 204);
  });

  it("other routes are not limited", async () => {
    const client = stack.client();
    for (let i = 0; i < 10; i++) assert.equal((await client.get("/api/app-config", from("198.51.100.1"))).status, 200);
  });
});
