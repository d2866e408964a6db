// Cross-site request forgery against the real server: a signed-in browser's state-changing request
// must come from the app's own origin (or one of CORS_ORIGINS); requests proving themselves
// otherwise (API key, provider signature) and WayForPay's return of the buyer are let through.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createApiKey } from "../auth/api-keys.ts";
import { newAccount, signIn, siweMessage, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";

const PUBLIC_ORIGIN = "http://localhost:5173"; // the harness's PUBLIC_URL
const PARTNER_ORIGIN = "https://shop.example";

let stack: TestStack;
let referrer: TestClient;

before(async () => {
  stack = await startTestStack({ env: { CORS_ORIGINS: PARTNER_ORIGIN } });
  referrer = stack.client();
  await signIn(referrer);
});
after(() => stack?.stop());

const codeCount = async () => ((await referrer.get("/api/refcodes")).body.codes as unknown[]).length;

/** A POST of `json` as `client` with exactly `headers` besides its cookies: no Origin unless given
 *  (TestClient sends one like a page would). */
async function postWithout(client: TestClient, path: string, json: unknown, headers: Record<string, string> = {}) {
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const response = await fetch(new URL(path, stack.url), {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}), ...headers },
    body: JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Creates a code as the signed-in referrer; the answer and whether a code was made. */
async function createCode(headers: Record<string, string>, options: { noOrigin?: boolean } = {}) {
  const before = await codeCount();
  const response = options.noOrigin
    ? await postWithout(referrer, "/api/refcodes", {}, headers)
    : await referrer.post("/api/refcodes", {}, headers);
  return { response, created: (await codeCount()) - before };
}

function assertCsrfRejected(response: { status: number; body: any }) {
  assert.equal(response.status, 403, JSON.stringify(response.body));
  assert.equal(response.body.error, "csrf_rejected");
  assert.equal(typeof response.body.message, "string");
}

describe("a signed-in POST", () => {
  it("from another origin is refused and changes nothing", async () => {
    const { response, created } = await createCode({ origin: "https://evil.example" });
    assertCsrfRejected(response);
    assert.equal(created, 0);
  });

  it("from a sibling origin of the same site or an opaque origin is refused", async () => {
    for (const origin of ["http://evil.localhost:5173", "http://localhost:5174", "https://localhost:5173", "null"]) {
      const { response, created } = await createCode({ origin });
      assertCsrfRejected(response);
      assert.equal(created, 0, origin);
    }
  });

  it("that a browser marks cross-site or same-site is refused, Origin or not", async () => {
    for (const site of ["cross-site", "same-site", "none"]) {
      const { response, created } = await createCode({ "sec-fetch-site": site }, { noOrigin: true });
      assertCsrfRejected(response);
      assert.equal(created, 0, site);
    }
  });

  it("without Origin or Sec-Fetch-Site is refused: the cookie alone proves nothing", async () => {
    const { response, created } = await createCode({}, { noOrigin: true });
    assertCsrfRejected(response);
    assert.equal(created, 0);
  });

  it("from PUBLIC_URL's origin, a CORS_ORIGINS origin, the server's own or Sec-Fetch-Site same-origin goes through", async () => {
    for (const [headers, noOrigin] of [
      [{ origin: PUBLIC_ORIGIN }, false],
      [{ origin: PARTNER_ORIGIN }, false],
      [{ origin: new URL(stack.url).origin }, false],
      [{ "sec-fetch-site": "same-origin" }, true],
    ] as const) {
      const { response, created } = await createCode(headers, { noOrigin });
      assert.equal(response.status, 201, `${JSON.stringify(headers)}: ${JSON.stringify(response.body)}`);
      assert.equal(created, 1);
      await referrer.post(`/api/refcodes/${response.body.code}/deactivate`); // stay under the active-code cap
    }
  });
});

describe("signing in", () => {
  it("from another origin is refused: no forged sign-in into the attacker's account", async () => {
    const attacker = newAccount();
    const victim = stack.client();
    const message = await siweMessage(victim, attacker.address);
    const signature = await attacker.signMessage({ message });
    const response = await victim.post("/api/auth/verify", { message, signature }, { origin: "https://evil.example" });
    assertCsrfRejected(response);
    assert.equal(victim.cookies.get("ring_session"), undefined, "no session cookie was set");
  });
});

describe("exempt requests", () => {
  it("a host's API-key call from anywhere is not a CSRF matter", async () => {
    const { key } = await createApiKey(stack.server.deps.db, "csrf test host");
    const response = await stack.client().post(
      "/api/v1/orders",
      {
        orderReference: "CSRF-HOST-1",
        amountMinor: 1000,
        currency: "USD",
        kind: "store",
        buyerWallet: newAccount().address,
      },
      { origin: "https://host-backend.example", authorization: `Bearer ${key}` },
    );
    assert.notEqual(response.status, 403, JSON.stringify(response.body));
    assert.ok(response.status < 500, JSON.stringify(response.body));
  });

  it("a payment provider's webhook is judged by its signature, not its origin", async () => {
    const response = await stack.client().request("POST", "/api/webhooks/stripe", {
      body: "{}",
      headers: {
        origin: "https://stripe.example",
        "content-type": "application/json",
        "stripe-signature": "t=1,v1=00",
      },
    });
    assert.equal(response.status, 400, "refused for the bad signature");
    assert.notEqual(response.body.error, "csrf_rejected");
  });

  it("WayForPay's POST of the buyer back to the store is redirected", async () => {
    const response = await referrer.request("POST", "/api/orders/ORDER-1/checkout/wayforpay/return", {
      body: "orderReference=ORDER-1",
      headers: { origin: "https://secure.wayforpay.com", "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(response.status, 303);
  });

  it("a request without cookies and without browser headers (curl, a server) passes", async () => {
    const response = await postWithout(
      stack.client(),
      "/api/refcodes/track",
      { code: "NO-SUCH-CODE" },
      { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" }, // not a bot
    );
    assert.equal(response.status, 404, "reached the beacon, which knows no such code");
  });

  it("GET requests are never checked", async () => {
    const response = await referrer.get("/api/refcodes", { origin: "https://evil.example" });
    assert.equal(response.status, 200);
  });
});
