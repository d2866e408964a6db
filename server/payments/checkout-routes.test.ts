import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { startExtraServer } from "../auth/test-fixtures.ts";
import { LOCAL_PAYMENT_CREDENTIALS } from "../config.ts";
import { orders } from "../db/schema.ts";
import { signIn, startTestStack, type TestClient, type TestResponse, type TestStack } from "../test/harness.ts";

// The test server's PUBLIC_URL (harness testServerEnv); WAYFORPAY_DOMAIN defaults to its hostname.
const ORIGIN = "http://localhost:5173";

let stack: TestStack;
let hostKey: string;
before(async () => {
  stack = await startTestStack();
  hostKey = (await createApiKey(stack.server.deps.db, "checkout host")).key;
});
after(() => stack?.stop());

async function buyer(): Promise<{ client: TestClient; userId: string }> {
  const client = stack.client();
  const { session } = await signIn(client);
  return { client, userId: session.userId };
}

async function createOrder(client: TestClient, body: Record<string, unknown>) {
  const response = await client.post("/api/orders", body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as { orderReference: string; createdAt: string };
}

const items = [
  { sku: "mug", name: "Mug", quantity: 2, unitAmountMinor: 1250 },
  { sku: "tee", quantity: 1, unitAmountMinor: 2499 },
];

/** WayForPay's Purchase signature, computed here from the documented field order. */
const wayforpaySignature = (fields: string[]) =>
  createHmac("md5", LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey).update(fields.join(";"), "utf8").digest("hex");

const unixSeconds = (iso: string) => String(Math.floor(Date.parse(iso) / 1000));

function assertError(response: TestResponse, status: number, code: string) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error, code, JSON.stringify(response.body));
}

describe("POST /api/orders/{orderReference}/checkout/wayforpay", () => {
  it("signs the Purchase form of the buyer's pending order: one line per item, decimal amounts", async () => {
    const { client } = await buyer();
    const order = await createOrder(client, { currency: "USD", lineItems: items });
    const ref = order.orderReference;
    const response = await client.post(`/api/orders/${ref}/checkout/wayforpay`, { language: "EN" });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { url, fields, formEntries } = response.body;
    assert.equal(url, "https://secure.wayforpay.com/pay");
    const orderDate = unixSeconds(order.createdAt);
    const signed = [
      "refcodes_local",
      "localhost",
      ref,
      orderDate,
      "49.99",
      "USD",
      "Mug",
      "tee",
      "2",
      "1",
      "12.5",
      "24.99",
    ];
    assert.deepEqual(fields, {
      merchantAccount: "refcodes_local",
      merchantAuthType: "SimpleSignature",
      merchantDomainName: "localhost",
      merchantTransactionSecureType: "AUTO",
      merchantSignature: wayforpaySignature(signed),
      orderReference: ref,
      orderDate,
      amount: "49.99",
      currency: "USD",
      productName: ["Mug", "tee"],
      productPrice: ["12.5", "24.99"],
      productCount: ["2", "1"],
      returnUrl: `${ORIGIN}/api/orders/${ref}/checkout/wayforpay/return`,
      serviceUrl: `${ORIGIN}/api/webhooks/wayforpay`,
      language: "EN",
    });
    const entries = formEntries as [string, string][];
    assert.deepEqual(
      entries.filter(([name]) => name.endsWith("[]")),
      [
        ["productName[]", "Mug"],
        ["productName[]", "tee"],
        ["productPrice[]", "12.5"],
        ["productPrice[]", "24.99"],
        ["productCount[]", "2"],
        ["productCount[]", "1"],
      ],
    );
    assert.equal(new URLSearchParams(entries).get("merchantSignature"), fields.merchantSignature);
    assert.equal(new URLSearchParams(entries).get("serviceUrl"), `${ORIGIN}/api/webhooks/wayforpay`);
  });

  it("makes an order without items one line at the full amount, dated when it was placed; no body needed", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "UAH", amountMinor: 154736 });
    const placed = new Date("2024-03-01T12:00:00.789Z"); // an order placed a while before its checkout
    await stack.server.deps.db.update(orders).set({ createdAt: placed }).where(eq(orders.orderReference, ref));
    const response = await client.request("POST", `/api/orders/${ref}/checkout/wayforpay`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { fields } = response.body;
    assert.equal(fields.amount, "1547.36");
    assert.deepEqual(
      [fields.productName, fields.productCount, fields.productPrice],
      [[`Order ${ref}`], ["1"], ["1547.36"]],
    );
    assert.equal("language" in fields, false);
    assert.equal(fields.orderDate, "1709294400");
    const signed = ["refcodes_local", "localhost", ref, "1709294400", "1547.36", "UAH"];
    assert.equal(fields.merchantSignature, wayforpaySignature([...signed, `Order ${ref}`, "1", "1547.36"]));
  });

  it("sends the buyer coming back from WayForPay (a POST) on to the order in the store", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "USD", amountMinor: 500 });
    const back = await stack.client().request("POST", `/api/orders/${ref}/checkout/wayforpay/return`, {
      body: "orderReference=x&transactionStatus=Approved",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(back.status, 303);
    assert.equal(back.headers.get("location"), `${ORIGIN}/store?order=${ref}&checkout=wayforpay`);
    const page = await stack.client().get(`/store?order=${ref}&checkout=wayforpay`);
    assert.equal(page.status, 200);
  });

  it("refuses a language WayForPay does not document, unknown fields and a foreign returnUrl with 400", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "USD", amountMinor: 500 });
    const path = `/api/orders/${ref}/checkout/wayforpay`;
    for (const language of ["XX", "en", ""]) {
      const response = await client.post(path, { language });
      assertError(response, 400, "invalid_request");
      assert.match(response.body.message, /^body\.language: /);
    }
    assertError(await client.post(path, { lang: "EN" }), 400, "invalid_request");
    const foreign = await client.post(path, { returnUrl: "https://evil.example/return" });
    assertError(foreign, 400, "invalid_request");
    assert.match(foreign.body.message, /body\.returnUrl: must be on http:\/\/localhost:5173/);
  });
});

describe("POST /api/orders/{orderReference}/checkout/stripe", () => {
  it("builds the Checkout Session params: mode payment, the reference in three places, Stripe's units", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "USD", lineItems: items });
    const response = await client.post(`/api/orders/${ref}/checkout/stripe`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body.params, {
      mode: "payment",
      line_items: [
        { price_data: { currency: "usd", unit_amount: 1250, product_data: { name: "Mug" } }, quantity: 2 },
        { price_data: { currency: "usd", unit_amount: 2499, product_data: { name: "tee" } }, quantity: 1 },
      ],
      success_url: `${ORIGIN}/store?order=${ref}&checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${ORIGIN}/store?order=${ref}&checkout=cancel`,
      client_reference_id: ref,
      metadata: { orderReference: ref },
      payment_intent_data: { metadata: { orderReference: ref } },
    });
  });

  it("converts to Stripe's units where they differ (ISK: whole krónur here, hundredths at Stripe)", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "ISK", amountMinor: 5000 });
    const response = await client.post(`/api/orders/${ref}/checkout/stripe`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body.params.line_items, [
      { price_data: { currency: "isk", unit_amount: 500000, product_data: { name: `Order ${ref}` } }, quantity: 1 },
    ]);
  });

  it("takes success and cancel URLs on the public origin, and refuses others with 400", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "USD", amountMinor: 500 });
    const path = `/api/orders/${ref}/checkout/stripe`;
    const successUrl = `${ORIGIN}/thanks?session={CHECKOUT_SESSION_ID}`;
    const ok = await client.post(path, { successUrl, cancelUrl: `${ORIGIN}/cart` });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.params.success_url, successUrl);
    assert.equal(ok.body.params.cancel_url, `${ORIGIN}/cart`);
    const foreign = await client.post(path, { cancelUrl: "https://evil.example/" });
    assertError(foreign, 400, "invalid_request");
    assert.match(foreign.body.message, /body\.cancelUrl/);
    assertError(await client.post(path, { successUrl: "javascript:alert(1)" }), 400, "invalid_request");
  });

  it("answers 422 naming the field when Stripe cannot express the amount (LYD: 3 digits here, 2 at Stripe)", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "LYD", amountMinor: 1005 });
    const response = await client.post(`/api/orders/${ref}/checkout/stripe`);
    assertError(response, 422, "order_not_checkoutable");
    assert.deepEqual(response.body.details, { field: "amountMinor" });
    assert.match(response.body.message, /Stripe/);
    // WayForPay takes the same order: 1.005 LYD
    const wayforpay = await client.post(`/api/orders/${ref}/checkout/wayforpay`);
    assert.equal(wayforpay.status, 200, JSON.stringify(wayforpay.body));
    assert.equal(wayforpay.body.fields.amount, "1.005");
  });
});

describe("both providers", () => {
  const providers = ["wayforpay", "stripe"] as const;

  it("answer 401 without a session", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "USD", amountMinor: 500 });
    for (const provider of providers) {
      assertError(await stack.client().post(`/api/orders/${ref}/checkout/${provider}`), 401, "unauthorized");
    }
  });

  it("answer 404 for another buyer's order and for an unknown one", async () => {
    const owner = await buyer();
    const { orderReference: ref } = await createOrder(owner.client, { currency: "USD", amountMinor: 500 });
    const other = await buyer();
    for (const provider of providers) {
      assertError(await other.client.post(`/api/orders/${ref}/checkout/${provider}`), 404, "order_not_found");
      assertError(await owner.client.post(`/api/orders/no-such-order/checkout/${provider}`), 404, "order_not_found");
      assert.equal((await owner.client.post(`/api/orders/${ref}/checkout/${provider}`)).status, 200);
    }
  });

  it("answer 409 for an order paid with credit", async () => {
    const admin = stack.client();
    await signIn(admin, privateKeyToAccount(anvilKeys.deployer)); // the deployment's admin
    const { client, userId } = await buyer();
    const grant = await admin.post("/api/admin/credit/grants", { userId, currency: "USD", amountMinor: 500 });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const { orderReference: ref } = await createOrder(client, { currency: "USD", amountMinor: 500 });
    for (const provider of providers) {
      assert.equal((await client.post(`/api/orders/${ref}/checkout/${provider}`)).status, 200);
    }
    const paid = await client.post(`/api/orders/${ref}/pay-with-credit`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.status, "paid");
    for (const provider of providers) {
      const response = await client.post(`/api/orders/${ref}/checkout/${provider}`);
      assertError(response, 409, "order_not_payable");
      assert.match(response.body.message, /is paid/);
    }
  });

  it("answer 422 for an order whose items do not add up to its amount (written past the order service)", async () => {
    const { client, userId } = await buyer();
    const ref = `broken-${Date.now()}`;
    await stack.server.deps.db.insert(orders).values({
      orderReference: ref,
      kind: "store",
      source: "app",
      buyerUserId: userId,
      amountMinor: 5000,
      currency: "USD",
      lineItems: [{ sku: "mug", quantity: 1, unitAmountMinor: 4000 }],
      attribution: "none",
    });
    const wayforpay = await client.post(`/api/orders/${ref}/checkout/wayforpay`);
    assertError(wayforpay, 422, "order_not_checkoutable");
    assert.match(wayforpay.body.message, /WayForPay.*line items total 4000 minor units, not the order amount 5000/);
    const stripe = await client.post(`/api/orders/${ref}/checkout/stripe`);
    assertError(stripe, 422, "order_not_checkoutable");
    assert.deepEqual(stripe.body.details, { field: "lineItems" });
  });

  it("answer 503 when the provider is not configured (no local test credentials off the local network)", async () => {
    const { client } = await buyer();
    const { orderReference: ref } = await createOrder(client, { currency: "USD", amountMinor: 500 });
    const unconfigured = await startExtraServer(stack, { NETWORK: "unconfigured" });
    try {
      const elsewhere = unconfigured.client();
      for (const [name, value] of client.cookies) elsewhere.cookies.set(name, value); // the same session
      for (const provider of providers) {
        const response = await elsewhere.post(`/api/orders/${ref}/checkout/${provider}`);
        assertError(response, 503, "provider_not_configured");
      }
      assert.equal((await elsewhere.get(`/api/orders/${ref}`)).status, 200, "the session works there");
    } finally {
      await unconfigured.stop();
    }
  });

  it("are documented in the OpenAPI description", async () => {
    const doc = await stack.client().get("/api/openapi.json");
    assert.equal(doc.status, 200);
    for (const prefix of ["/api", "/api/v1"]) {
      for (const provider of providers) {
        const route = doc.body.paths[`${prefix}/orders/{orderReference}/checkout/${provider}`];
        assert.ok(route?.post, `${prefix} ${provider} is documented`);
        assert.ok(route.post.responses["409"] && route.post.responses["503"]);
      }
    }
    assert.ok(doc.body.paths["/api/orders/{orderReference}/checkout/wayforpay/return"]?.post);
  });
});

describe("the host API: /api/v1/orders/{orderReference}/checkout/...", () => {
  const auth = () => ({ authorization: `Bearer ${hostKey}` });

  async function hostOrder(body: Record<string, unknown> = {}) {
    const response = await stack
      .client()
      .post(
        "/api/v1/orders",
        { currency: "USD", amountMinor: 1999, buyer: { id: `host-${Date.now()}` }, ...body },
        auth(),
      );
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as { orderReference: string; createdAt: string };
  }

  it("builds both providers' requests with the API key, with the host's own return URLs", async () => {
    const order = await hostOrder();
    const ref = order.orderReference;
    const returnUrl = "https://host.example/paid";
    const wayforpay = await stack
      .client()
      .post(`/api/v1/orders/${ref}/checkout/wayforpay`, { returnUrl, language: "UA" }, auth());
    assert.equal(wayforpay.status, 200, JSON.stringify(wayforpay.body));
    assert.equal(wayforpay.body.fields.returnUrl, returnUrl);
    assert.equal(wayforpay.body.fields.serviceUrl, `${ORIGIN}/api/webhooks/wayforpay`);
    const signed = ["refcodes_local", "localhost", ref, unixSeconds(order.createdAt), "19.99", "USD"];
    assert.equal(
      wayforpay.body.fields.merchantSignature,
      wayforpaySignature([...signed, `Order ${ref}`, "1", "19.99"]),
    );

    const successUrl = "https://host.example/done?s={CHECKOUT_SESSION_ID}";
    const stripe = await stack.client().post(`/api/v1/orders/${ref}/checkout/stripe`, { successUrl }, auth());
    assert.equal(stripe.status, 200, JSON.stringify(stripe.body));
    assert.equal(stripe.body.params.success_url, successUrl);
    assert.equal(stripe.body.params.cancel_url, `${ORIGIN}/store?order=${ref}&checkout=cancel`);
    assert.equal(stripe.body.params.line_items[0].price_data.unit_amount, 1999);
    assert.equal(stripe.body.params.payment_intent_data.metadata.orderReference, ref);
  });

  it("answers 401 without a valid key (a buyer session is not one) and 404 for an unknown order", async () => {
    const { orderReference: ref } = await hostOrder();
    const { client } = await buyer();
    for (const provider of ["wayforpay", "stripe"]) {
      const path = `/api/v1/orders/${ref}/checkout/${provider}`;
      assertError(await stack.client().post(path), 401, "api_key_required");
      assertError(await client.post(path), 401, "api_key_required");
      const unknown = { authorization: "Bearer rk_thisisnotavalidkeyatall000" };
      assertError(await stack.client().post(path, {}, unknown), 401, "api_key_invalid");
      const missing = `/api/v1/orders/no-such-order/checkout/${provider}`;
      assertError(await stack.client().post(missing, {}, auth()), 404, "order_not_found");
    }
  });
});
