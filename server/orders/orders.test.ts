import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { count, eq } from "drizzle-orm";
import { createApiKey } from "../auth/api-keys.ts";
import { linkWallet } from "../auth/users.ts";
import { orders } from "../db/schema.ts";
import { insertCode, markPaidByFiat } from "../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";

let stack: TestStack;
let hostKey: string;
before(async () => {
  stack = await startTestStack();
  hostKey = (await createApiKey(stack.server.deps.db, "test host")).key;
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;
const host = (path: string, body: unknown) => stack.client().post(path, body, { authorization: `Bearer ${hostKey}` });

/** A signed-in buyer who arrived through `code` (the cookie is what the first-touch capture sets). */
async function buyer(code?: string): Promise<TestClient> {
  const client = stack.client();
  if (code) client.cookies.set("ring_ref", code);
  await signIn(client);
  return client;
}

const order = (extra: Record<string, unknown> = {}) => ({ amountMinor: 5000, currency: "USD", ...extra });

describe("POST /api/orders", () => {
  it("creates an order without a referral when there is no code", async () => {
    const client = await buyer();
    const response = await client.post("/api/orders", order());
    assert.equal(response.status, 201);
    assert.match(response.body.orderReference, /^ord_/);
    assert.equal(response.body.status, "pending");
    assert.equal(response.body.rail, null);
    assert.deepEqual(response.body.referral, {
      code: null,
      referrerUserId: null,
      referrerWallet: null,
      attribution: "none",
      reason: null,
    });
  });

  it("attributes the order to the cookie's active code", async () => {
    const referrer = newAccount();
    const code = await insertCode(db(), referrer.address);
    const client = await buyer(code.code);
    const response = await client.post("/api/orders", order({ orderReference: "accepted-1" }));
    assert.equal(response.status, 201);
    assert.equal(response.body.referral.attribution, "accepted");
    assert.equal(response.body.referral.code, code.code);
    assert.equal(response.body.referral.referrerUserId, code.userId);
    assert.equal(response.body.referral.referrerWallet, referrer.address);
  });

  it("rejects an unknown code and an inactive code, storing the reason", async () => {
    const unknown = await (await buyer("NOSUCHCODE")).post("/api/orders", order());
    assert.equal(unknown.status, 201);
    assert.equal(unknown.body.referral.attribution, "rejected");
    assert.equal(unknown.body.referral.reason, "unknown_code");

    const inactive = await insertCode(db(), newAccount().address, { active: false });
    const response = await (await buyer(inactive.code)).post("/api/orders", order());
    assert.equal(response.body.referral.reason, "inactive_code");
    const [stored] = await db().select().from(orders).where(eq(orders.orderReference, response.body.orderReference));
    assert.equal(stored!.attribution, "rejected");
    assert.equal(stored!.attributionReason, "inactive_code");
    assert.equal(stored!.referrerUserId, null);
  });

  it("rejects self-referral: the buyer owns the code", async () => {
    const client = stack.client();
    const { account } = await signIn(client);
    const code = await insertCode(db(), account.address);
    client.cookies.set("ring_ref", code.code);
    const response = await client.post("/api/orders", order());
    assert.equal(response.body.referral.reason, "self_referral");
  });

  it("rejects a wallet overlap, including a wallet the host names for the buyer", async () => {
    const referrer = newAccount();
    const code = await insertCode(db(), referrer.address);
    const response = await host("/api/v1/orders", {
      ...order(),
      buyer: { id: "host-user-overlap", wallets: [referrer.address.toLowerCase()] },
      referralCode: code.code,
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.referral.reason, "wallet_overlap");
  });

  it("counts wallets the referrer linked after making the code", async () => {
    const referrer = newAccount();
    const code = await insertCode(db(), referrer.address);
    const later = newAccount();
    await linkWallet(db(), code.userId, later.address);
    const response = await host("/api/v1/orders", {
      ...order(),
      buyer: { id: "host-user-linked-later", wallets: [later.address] },
      referralCode: code.code,
    });
    assert.equal(response.body.referral.reason, "wallet_overlap");
  });

  it("rejects a second purchase after a paid one (not_first_purchase)", async () => {
    const code = await insertCode(db(), newAccount().address);
    const client = await buyer(code.code);
    const first = await client.post("/api/orders", order());
    assert.equal(first.body.referral.attribution, "accepted");
    await markPaidByFiat(db(), first.body.orderReference);
    const second = await client.post("/api/orders", order());
    assert.equal(second.body.referral.attribution, "rejected");
    assert.equal(second.body.referral.reason, "not_first_purchase");
  });

  it("attributes a membership to the buyer's sign-up referrer", async () => {
    const code = await insertCode(db(), newAccount().address);
    const client = await buyer(code.code); // first sign-in with the cookie: referredBy is set
    client.cookies.delete("ring_ref");
    const response = await client.post("/api/orders", order({ kind: "membership" }));
    assert.equal(response.body.kind, "membership");
    assert.equal(response.body.referral.attribution, "accepted");
    assert.equal(response.body.referral.referrerUserId, code.userId);
  });

  it("keeps a membership with the sign-up referrer even when the buyer later arrives through another code", async () => {
    const signUpCode = await insertCode(db(), newAccount().address);
    const laterCode = await insertCode(db(), newAccount().address);
    const client = await buyer(signUpCode.code);
    client.cookies.set("ring_ref", laterCode.code);
    const membership = await client.post("/api/orders", order({ kind: "membership" }));
    assert.equal(membership.body.referral.code, signUpCode.code);
    assert.equal(membership.body.referral.referrerUserId, signUpCode.userId);
  });

  it("attributes a membership of a buyer nobody referred to the code they arrived with", async () => {
    const code = await insertCode(db(), newAccount().address);
    const client = await buyer();
    client.cookies.set("ring_ref", code.code);
    const membership = await client.post("/api/orders", order({ kind: "membership" }));
    assert.equal(membership.body.referral.referrerUserId, code.userId);
  });

  it("stores line items and checks the amount against them", async () => {
    const client = await buyer();
    const lineItems = [
      { sku: "tee", quantity: 2, unitAmountMinor: 1500, commissionBps: 1000 },
      { sku: "mug", quantity: 1, unitAmountMinor: 900 },
    ];
    const computed = await client.post("/api/orders", { currency: "EUR", lineItems });
    assert.equal(computed.status, 201);
    assert.equal(computed.body.amountMinor, 3900);
    assert.deepEqual(computed.body.lineItems, lineItems);
    const mismatch = await client.post("/api/orders", { currency: "EUR", amountMinor: 4000, lineItems });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.error, "amount_mismatch");
    assert.match(mismatch.body.message, /3900/);
    const missing = await client.post("/api/orders", { currency: "EUR" });
    assert.equal(missing.body.error, "amount_required");
  });

  it("names the bad field in a 400", async () => {
    const client = await buyer();
    const cases: [unknown, RegExp][] = [
      [{ amountMinor: 10, currency: "usd" }, /currency/],
      [{ amountMinor: 1.5, currency: "USD" }, /amountMinor/],
      [{ amountMinor: -1, currency: "USD" }, /amountMinor/],
      [{ amountMinor: 10, currency: "USD", kind: "gift" }, /kind/],
      [{ amountMinor: 10, currency: "USD", orderReference: "a b" }, /orderReference/],
      [{ amountMinor: 10, currency: "USD", surprise: true }, /surprise/],
    ];
    for (const [body, field] of cases) {
      const response = await client.post("/api/orders", body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error, "invalid_request");
      assert.match(response.body.message, field);
    }
    const malformed = await client.request("POST", "/api/orders", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error, "malformed_json");
  });

  it("refuses a well-formed currency code the runtime does not know, naming the field", async () => {
    const client = await buyer();
    for (const currency of ["XQQ", "ABC"]) {
      const response = await client.post("/api/orders", order({ currency }));
      assert.equal(response.status, 400, currency);
      assert.equal(response.body.error, "invalid_request");
      assert.equal(
        response.body.message,
        `body.currency: unknown currency "${currency}": expected an ISO 4217 code such as USD`,
      );
    }
    const hosted = await host("/api/v1/orders", {
      ...order({ currency: "XQQ" }),
      buyer: { id: "host-user-unknown-currency" },
    });
    assert.equal(hosted.status, 400);
    assert.match(hosted.body.message, /^body\.currency: unknown currency "XQQ"/);
    assert.equal((await client.post("/api/orders", order({ currency: "UAH" }))).status, 201);
  });

  it("needs a session", async () => {
    const response = await stack.client().post("/api/orders", order());
    assert.equal(response.status, 401);
  });
});

describe("orderReference idempotency", () => {
  it("returns the first order for a repeat and changes nothing", async () => {
    const client = await buyer();
    const first = await client.post("/api/orders", order({ orderReference: "repeat-1" }));
    const again = await client.post("/api/orders", order({ orderReference: "repeat-1", amountMinor: 9999 }));
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
  });

  it("50 parallel identical creations give one order", async () => {
    const client = await buyer();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => client.post("/api/orders", order({ orderReference: "parallel-50" }))),
    );
    assert.deepEqual(responses.map((r) => r.status).sort(), [201, ...Array(49).fill(200)].sort());
    assert.equal(new Set(responses.map((r) => r.body.createdAt)).size, 1);
    const [row] = await db().select({ n: count() }).from(orders).where(eq(orders.orderReference, "parallel-50"));
    assert.equal(row!.n, 1);
  });

  it("refuses another buyer's orderReference with 409", async () => {
    await (await buyer()).post("/api/orders", order({ orderReference: "owned-1" }));
    const response = await (await buyer()).post("/api/orders", order({ orderReference: "owned-1" }));
    assert.equal(response.status, 409);
    assert.equal(response.body.error, "order_reference_taken");
  });
});

describe("host API /api/v1/orders", () => {
  it("needs a valid API key", async () => {
    assert.equal((await stack.client().post("/api/v1/orders", order())).status, 401);
    const wrong = await stack
      .client()
      .post("/api/v1/orders", order(), { authorization: "Bearer rk_thisisnotavalidkeyatall000" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, "api_key_invalid");
  });

  it("creates an attributed order for a host buyer, once per orderReference", async () => {
    const code = await insertCode(db(), newAccount().address);
    const body = {
      ...order({ orderReference: "host-1" }),
      buyer: { id: "host-user-1", wallets: [] },
      referralCode: code.code.toLowerCase(),
    };
    const created = await host("/api/v1/orders", body);
    assert.equal(created.status, 201);
    assert.equal(created.body.source, "host");
    assert.equal(created.body.referral.attribution, "accepted");
    const again = await host("/api/v1/orders", body);
    assert.equal(again.status, 200);
    assert.equal(again.body.buyerUserId, created.body.buyerUserId);
    const read = await stack.client().get("/api/v1/orders/host-1", { authorization: `Bearer ${hostKey}` });
    assert.equal(read.status, 200);
    assert.equal(read.body.orderReference, "host-1");
  });

  it("treats the host's buyer as a returning customer across orders", async () => {
    const code = await insertCode(db(), newAccount().address);
    const body = (ref: string) => ({
      ...order({ orderReference: ref }),
      buyer: { id: "host-user-2" },
      referralCode: code.code,
    });
    const first = await host("/api/v1/orders", body("host-2a"));
    await markPaidByFiat(db(), "host-2a");
    const second = await host("/api/v1/orders", body("host-2b"));
    assert.equal(first.body.referral.attribution, "accepted");
    assert.equal(second.body.referral.reason, "not_first_purchase");
  });
});
