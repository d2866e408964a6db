// The webhook routes end to end: real server, real Postgres, deliveries signed the way WayForPay and
// Stripe sign them with the local test secrets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { and, count, eq, isNull } from "drizzle-orm";
import { paymentTransactions, rewards } from "../db/schema.ts";
import { stripeEvent } from "../test/payment-fixtures.ts";
import { startWebhookWorld, type WebhookWorld } from "../test/webhook-world.ts";

let world: WebhookWorld;
before(async () => {
  world = await startWebhookWorld();
});
after(() => world?.stop());

const db = () => world.stack.server.deps.db;

describe("WayForPay webhook", () => {
  it("pays the order once, creates its reward and answers with the signed acceptance", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const response = await world.wayforpay({ orderReference: ref });
    assert.equal(response.status, 200);

    const order = await world.order(ref);
    assert.equal(order.status, "paid");
    assert.equal(order.rail, "fiat");
    assert.equal(order.paymentProvider, "wayforpay");
    const reward = await world.reward(ref);
    assert.equal(reward?.state, "pending_approval");
    assert.equal(reward?.rewardMinor, 1_000);
    assert.equal(reward?.tokenAmount, (4n * 10n ** 18n).toString()); // 10.00 USD at 2.50 USD/token
    assert.equal((await world.task(ref))?.state, "created");

    const [delivery] = await world.deliveries(ref);
    assert.equal(delivery?.outcome, "order_paid");
    assert.equal(delivery?.signatureValid, true);
    assert.equal(delivery?.kind, "paid");
    assert.equal(delivery?.amountMinor, 10_000);
    assert.equal(delivery?.currency, "USD");
    assert.ok(delivery?.processedAt);
    assert.match(delivery!.payload, /"amount":100\.00,/, "the raw body is stored byte for byte");
  });

  it("answers a duplicate delivery with success and changes nothing", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    assert.equal((await world.wayforpay({ orderReference: ref })).status, 200);
    const reward = await world.reward(ref);
    assert.equal((await world.wayforpay({ orderReference: ref })).status, 200);
    // The same status again with another processing date is a new event for an already paid order.
    assert.equal((await world.wayforpay({ orderReference: ref, processingDate: 1_763_000_777 })).status, 200);

    const deliveries = await world.deliveries(ref);
    assert.deepEqual(
      deliveries.map((row) => row.outcome),
      ["order_paid", "already_paid"],
    );
    assert.equal(deliveries[1]!.needsReview, false);
    assert.deepEqual(await world.reward(ref), reward);
  });

  it("refuses a bad signature with 401, stores it, and changes nothing else", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const response = await world.wayforpay({ orderReference: ref, secretKey: "not-the-merchant-secret" });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, "invalid_signature");
    assert.equal((await world.order(ref)).status, "pending");
    assert.equal(await world.reward(ref), undefined);
    const [stored] = await db()
      .select()
      .from(paymentTransactions)
      .where(and(eq(paymentTransactions.outcome, "bad_signature"), eq(paymentTransactions.provider, "wayforpay")));
    assert.equal(stored?.signatureValid, false);
    assert.equal(stored?.providerEventId, null);
    assert.ok(stored?.payload.includes(ref), "the forged body is kept for inspection");
  });

  it("refuses a callback for another merchant account with 403", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const response = await world.wayforpay({ orderReference: ref, merchantAccount: "someone_else" });
    assert.equal(response.status, 403);
    assert.equal(response.body.error, "wrong_merchant");
    assert.equal((await world.order(ref)).status, "pending");
  });

  it("refuses a malformed body with 400 naming the field", async () => {
    const response = await world.stack
      .client()
      .request("POST", "/api/webhooks/wayforpay", { body: '{"merchantAccount":1}' });
    assert.equal(response.status, 400);
    assert.match(response.body.message, /merchantAccount/);
  });

  it("flags an amount mismatch for review and does not pay the order", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    assert.equal((await world.wayforpay({ orderReference: ref, amount: "10.00" })).status, 200);
    assert.equal(
      (await world.wayforpay({ orderReference: ref, amount: "100.00", currency: "EUR", processingDate: 1_763_000_001 }))
        .status,
      200,
    );
    assert.equal((await world.order(ref)).status, "pending");
    assert.equal(await world.reward(ref), undefined);
    const deliveries = await world.deliveries(ref);
    assert.deepEqual(
      deliveries.map((row) => [row.outcome, row.needsReview]),
      [
        ["amount_mismatch", true],
        ["amount_mismatch", true],
      ],
    );
    assert.match(deliveries[0]!.detail!, /paid 10\.00 USD, but order .* is 100\.00 USD/);

    const review = await world.admin.get(`/api/admin/payment-transactions?needsReview=true&orderReference=${ref}`);
    assert.equal(review.status, 200);
    assert.deepEqual(
      review.body.transactions.map((row: { outcome: string; amountMinor: number }) => [row.outcome, row.amountMinor]),
      [
        ["amount_mismatch", 10_000],
        ["amount_mismatch", 1_000],
      ],
    );
    assert.equal((await world.admin.get("/api/admin/payment-transactions?needsReview=maybe")).status, 400);
    const buyerView = await buyer.client.get("/api/admin/payment-transactions");
    assert.equal(buyerView.status, 403);
  });

  it("turns 50 concurrent identical deliveries into one payment and one reward", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const responses = await Promise.all(Array.from({ length: 50 }, () => world.wayforpay({ orderReference: ref })));
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
    const deliveries = await world.deliveries(ref);
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0]!.outcome, "order_paid");
    const [counted] = await db().select({ rewards: count() }).from(rewards).where(eq(rewards.orderReference, ref));
    assert.equal(counted?.rewards, 1);
    assert.equal((await world.task(ref))?.state, "created");
  });

  it("records declined and pending callbacks without touching the order", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    assert.equal((await world.wayforpay({ orderReference: ref, transactionStatus: "InProcessing" })).status, 200);
    assert.equal(
      (await world.wayforpay({ orderReference: ref, transactionStatus: "Declined", reasonCode: 1101 })).status,
      200,
    );
    assert.equal((await world.order(ref)).status, "pending");
    assert.deepEqual(
      (await world.deliveries(ref)).map((row) => [row.kind, row.outcome]),
      [
        ["pending", "recorded"],
        ["declined", "recorded"],
      ],
    );
  });
});

const checkoutCompleted = (ref: string, amount: number, paymentIntent: string) =>
  stripeEvent("checkout.session.completed", {
    id: `cs_test_${paymentIntent}`,
    object: "checkout.session",
    amount_total: amount,
    currency: "usd",
    client_reference_id: ref,
    metadata: { orderReference: ref },
    mode: "payment",
    payment_intent: paymentIntent,
    payment_status: "paid",
    status: "complete",
  });

const intentSucceeded = (ref: string, amount: number, paymentIntent: string) =>
  stripeEvent("payment_intent.succeeded", {
    id: paymentIntent,
    object: "payment_intent",
    amount,
    amount_received: amount,
    currency: "usd",
    latest_charge: `ch_${paymentIntent}`,
    metadata: { orderReference: ref },
    status: "succeeded",
  });

describe("Stripe webhook", () => {
  it("pays the order once for the two events of one Checkout payment", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const first = await world.stripe(checkoutCompleted(ref, 10_000, "pi_two_events"));
    assert.equal(first.status, 200);
    assert.equal(first.body.outcome, "order_paid");
    const second = await world.stripe(intentSucceeded(ref, 10_000, "pi_two_events"));
    assert.equal(second.body.outcome, "already_paid");
    assert.equal((await world.order(ref)).paymentProvider, "stripe");
    assert.equal((await world.reward(ref))?.state, "pending_approval");
  });

  it("answers a redelivered event as a duplicate", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const event = intentSucceeded(ref, 10_000, "pi_redelivered");
    assert.equal((await world.stripe(event)).body.outcome, "order_paid");
    const again = await world.stripe(event);
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.equal((await world.deliveries(ref)).length, 1);
  });

  it("ignores other event types with 200 and stores them", async () => {
    const event = stripeEvent("customer.created", { id: "cus_test_1", object: "customer" });
    const response = await world.stripe(event);
    assert.equal(response.status, 200);
    assert.equal(response.body.outcome, "ignored");
    const [row] = await db()
      .select()
      .from(paymentTransactions)
      .where(eq(paymentTransactions.providerEventId, event.id as string));
    assert.equal(row?.outcome, "ignored");
  });

  it("refuses a bad signature with 400 and stores it", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const response = await world.stripe(intentSucceeded(ref, 10_000, "pi_forged"), {
      secret: "whsec_not_the_endpoint",
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.details.reason, "bad_signature");
    assert.equal((await world.order(ref)).status, "pending");
  });

  it("refuses a replayed event outside the tolerance, even though its signature is authentic", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const response = await world.stripe(intentSucceeded(ref, 10_000, "pi_replayed"), { timestamp: tenMinutesAgo });
    assert.equal(response.status, 400);
    assert.equal(response.body.details.reason, "outside_tolerance");
    assert.match(response.body.message, /outside the 300 s tolerance/);
    assert.equal((await world.order(ref)).status, "pending");
    const stored = await db()
      .select()
      .from(paymentTransactions)
      .where(and(eq(paymentTransactions.outcome, "bad_signature"), isNull(paymentTransactions.providerEventId)));
    assert.ok(stored.some((row) => row.detail?.startsWith("outside_tolerance") && row.payload.includes(ref)));
  });

  it("flags an amount mismatch and does not pay", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    const response = await world.stripe(intentSucceeded(ref, 9_999, "pi_short"));
    assert.equal(response.body.outcome, "amount_mismatch");
    assert.equal((await world.order(ref)).status, "pending");
  });

  it("acknowledges an authentic but unusable event and keeps it for review", async () => {
    const event = stripeEvent("payment_intent.succeeded", {
      id: "pi_broken",
      object: "payment_intent",
      currency: "usd",
    });
    const response = await world.stripe(event);
    assert.equal(response.status, 200);
    assert.equal(response.body.outcome, "invalid_payload");
    const [row] = await db()
      .select()
      .from(paymentTransactions)
      .where(eq(paymentTransactions.providerEventId, event.id as string));
    assert.equal(row?.needsReview, true);
    assert.match(row!.detail!, /amount_received/);
  });

  it("finds a dispute's order through the PaymentIntent its payment recorded", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    await world.stripe(intentSucceeded(ref, 10_000, "pi_disputed"));
    const dispute = stripeEvent("charge.dispute.created", {
      id: "du_test_1",
      object: "dispute",
      amount: 10_000,
      currency: "usd",
      charge: "ch_pi_disputed",
      payment_intent: "pi_disputed",
      metadata: {},
      reason: "fraudulent",
      status: "needs_response",
    });
    const response = await world.stripe(dispute);
    assert.equal(response.body.outcome, "refund_applied");
    const order = await world.order(ref);
    assert.equal(order.status, "refunded");
    assert.equal(order.refundedMinor, 10_000);
    assert.equal((await world.reward(ref))?.state, "cancelled");
  });
});
