// The demo store's simulated provider end to end: a real server posts the signed callback over
// HTTP to its own WayForPay webhook, which pays the order; any other configuration is refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { asc, eq } from "drizzle-orm";
import { startExtraServer } from "../auth/test-fixtures.ts";
import { LOCAL_PAYMENT_CREDENTIALS, loadConfig } from "../config.ts";
import { orders, paymentTransactions } from "../db/schema.ts";
import { parseCallback } from "../payments/wayforpay/callback.ts";
import { insertCode } from "../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import { simulationAllowed } from "./simulate-routes.ts";
import { simulatedCallback } from "./wayforpay-callback.ts";

const ROUTE = "/api/dev/simulate/wayforpay";
const credentials = {
  merchantAccount: LOCAL_PAYMENT_CREDENTIALS.wayforpayMerchantAccount,
  secretKey: LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey,
};

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;

/** A buyer who arrived through a referrer's code, signed in. */
async function referredBuyer() {
  const referrer = newAccount();
  const { code } = await insertCode(db(), referrer.address);
  const client = stack.client();
  client.cookies.set("ring_ref", code);
  const { account } = await signIn(client);
  return { client, account, code, referrer };
}

async function pendingOrder(client: TestClient): Promise<string> {
  const response = await client.post("/api/orders", {
    currency: "USD",
    lineItems: [{ sku: "mug", name: "Mug", quantity: 2, unitAmountMinor: 1250 }],
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.orderReference;
}

const deliveries = (orderReference: string) =>
  db()
    .select()
    .from(paymentTransactions)
    .where(eq(paymentTransactions.orderReference, orderReference))
    .orderBy(asc(paymentTransactions.id));

const orderStatus = async (orderReference: string) =>
  (await db().select().from(orders).where(eq(orders.orderReference, orderReference)))[0]?.status;

describe("simulatedCallback", () => {
  it("is a callback the WayForPay verification accepts, amount printed as signed", () => {
    const body = simulatedCallback(credentials, {
      orderReference: "ord_demo-1",
      amountMinor: 154730,
      currency: "UAH",
      transactionStatus: "Approved",
      createdAt: new Date(1_700_000_000_000),
      processedAt: new Date(1_700_000_060_000),
    });
    assert.match(body, /"amount":1547\.3,/);
    const { event, payload } = parseCallback(body, credentials);
    assert.equal(event.kind, "paid");
    assert.equal(event.amountMinor, 154730n);
    assert.equal(event.currency, "UAH");
    assert.equal(event.orderReference, "ord_demo-1");
    assert.deepEqual(event.occurredAt, new Date(1_700_000_060_000));
    assert.equal(payload.createdDate, 1_700_000_000);
    assert.match(String(payload.authCode), /^\d{6}$/);
  });

  it("signs declined and refunded callbacks too, and nothing verifies under another key", () => {
    for (const [status, kind] of [
      ["Declined", "declined"],
      ["Refunded", "refunded"],
    ] as const) {
      const body = simulatedCallback(credentials, {
        orderReference: "ord_demo-2",
        amountMinor: 5,
        currency: "USD",
        transactionStatus: status,
        createdAt: new Date(),
      });
      assert.equal(parseCallback(body, credentials).event.kind, kind);
      assert.throws(() => parseCallback(body, { ...credentials, secretKey: "another-secret-key" }));
    }
  });
});

describe("POST /api/dev/simulate/wayforpay", () => {
  it("pays the buyer's order through the real webhook, with its attribution unchanged", async () => {
    const { client, code } = await referredBuyer();
    const ref = await pendingOrder(client);
    const response = await client.post(ROUTE, { orderReference: ref });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { webhook, order } = response.body;
    assert.equal(webhook.status, 200);
    assert.equal(webhook.acceptanceValid, true);
    assert.equal(webhook.url, `${stack.url}/api/webhooks/wayforpay`, "its own webhook, over HTTP");
    assert.equal(order.status, "paid");
    assert.equal(order.rail, "fiat");
    assert.deepEqual(
      { code: order.referral.code, attribution: order.referral.attribution, reason: order.referral.reason },
      { code, attribution: "accepted", reason: null },
    );

    // The delivery went through the webhook's verification and payment ledger.
    const [delivery] = await deliveries(ref);
    assert.equal(delivery?.provider, "wayforpay");
    assert.equal(delivery?.signatureValid, true);
    assert.equal(delivery?.outcome, "order_paid");
    assert.equal(delivery?.amountMinor, 2500);
    assert.match(delivery!.payload, /"amount":25,/);
    assert.equal(await orderStatus(ref), "paid");

    // The order endpoint the store reads says the same.
    const read = await client.get(`/api/orders/${ref}`);
    assert.equal(read.body.status, "paid");
    assert.equal(read.body.referral.attribution, "accepted");
  });

  it("simulates a declined payment (the order stays pending) and a refund of a paid one", async () => {
    const { client } = await referredBuyer();
    const ref = await pendingOrder(client);
    const declined = await client.post(ROUTE, { orderReference: ref, transactionStatus: "Declined" });
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    assert.equal(declined.body.order.status, "pending");

    assert.equal((await client.post(ROUTE, { orderReference: ref })).body.order.status, "paid");
    const refunded = await client.post(ROUTE, { orderReference: ref, transactionStatus: "Refunded" });
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    assert.equal(refunded.body.order.status, "refunded");
    assert.equal((await deliveries(ref)).length, 3);
  });

  it("answers only a signed-in owner of the order", async () => {
    const { client } = await referredBuyer();
    const ref = await pendingOrder(client);
    const anonymous = await stack.client().post(ROUTE, { orderReference: ref });
    assert.equal(anonymous.status, 401, JSON.stringify(anonymous.body));
    const stranger = stack.client();
    await signIn(stranger);
    const foreign = await stranger.post(ROUTE, { orderReference: ref });
    assert.equal(foreign.status, 404, JSON.stringify(foreign.body));
    assert.equal(foreign.body.error, "order_not_found");
    const missing = await client.post(ROUTE, { orderReference: "ord_does-not-exist" });
    assert.equal(missing.status, 404);
    assert.equal(await orderStatus(ref), "pending");
    assert.equal((await deliveries(ref)).length, 0);
  });

  it("validates its input", async () => {
    const { client } = await referredBuyer();
    const ref = await pendingOrder(client);
    for (const body of [
      {},
      { orderReference: "x" },
      { orderReference: "bad reference!" },
      { orderReference: ref, transactionStatus: "Paid" },
      { orderReference: ref, amount: "0.01" },
      { orderReference: 42 },
    ]) {
      const response = await client.post(ROUTE, body);
      assert.equal(response.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error, "invalid_request");
    }
    const malformed = await client.request("POST", ROUTE, {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.status, 400);
    assert.equal(await orderStatus(ref), "pending");
  });

  it("is refused unless the network is local and the WayForPay key the local test one", async () => {
    const { client, account } = await referredBuyer();
    const ref = await pendingOrder(client);
    const configs = {
      testnet: {
        NETWORK: "sepolia",
        WAYFORPAY_MERCHANT_ACCOUNT: LOCAL_PAYMENT_CREDENTIALS.wayforpayMerchantAccount,
        WAYFORPAY_SECRET_KEY: LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey,
      },
      "local with a real key": { WAYFORPAY_SECRET_KEY: "a-real-merchant-secret-key" },
    };
    for (const [name, env] of Object.entries(configs)) {
      assert.equal(simulationAllowed(loadConfig(env)), false, name);
      const extra = await startExtraServer(stack, env);
      try {
        const buyer = extra.client();
        await signIn(buyer, account);
        const config = await buyer.get("/api/app-config");
        assert.equal(config.body.simulatePayments, false, name);
        const response = await buyer.post(ROUTE, { orderReference: ref });
        assert.equal(response.status, 403, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, "forbidden");
        assert.match(response.body.message, /local network/);
      } finally {
        await extra.stop();
      }
    }
    assert.equal(simulationAllowed(loadConfig({})), true);
    assert.equal((await client.get("/api/app-config")).body.simulatePayments, true);
    assert.equal(await orderStatus(ref), "pending");
    assert.equal((await deliveries(ref)).length, 0);
  });
});
