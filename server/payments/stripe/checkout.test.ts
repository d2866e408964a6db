import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type Stripe from "stripe";
import { checkoutSessionParams, type StripeCheckoutOrder } from "./checkout.ts";
import { StripeCheckoutAmountMismatchError, StripeCheckoutError } from "./errors.ts";
import { toPaymentEvent } from "./events.ts";
import { asEvent, charge, checkoutSession, event, ORDER, paymentIntent } from "./fixtures.ts";

const urls = {
  successUrl: "https://shop.example/checkout/done?session_id={CHECKOUT_SESSION_ID}",
  cancelUrl: "https://shop.example/checkout/cancel",
};

const order: StripeCheckoutOrder = {
  orderReference: ORDER,
  amountMinor: 4900,
  currency: "USD",
  lineItems: [
    { sku: "tee-blue-m", name: "Blue tee (M)", quantity: 2, unitAmountMinor: 1500 },
    { sku: "sticker-pack", quantity: 1, unitAmountMinor: 1900 },
  ],
};

function checkoutError(run: () => unknown, field: string): void {
  assert.throws(run, (error) => {
    assert.ok(error instanceof StripeCheckoutError, String(error));
    assert.equal(error.field, field);
    return true;
  });
}

describe("checkoutSessionParams", () => {
  it("builds a payment-mode session with one price_data line per item and the order reference in three places", () => {
    const params = checkoutSessionParams(order, { ...urls, customerEmail: "buyer@example.com" });
    assert.deepEqual(params, {
      mode: "payment",
      line_items: [
        { price_data: { currency: "usd", unit_amount: 1500, product_data: { name: "Blue tee (M)" } }, quantity: 2 },
        { price_data: { currency: "usd", unit_amount: 1900, product_data: { name: "sticker-pack" } }, quantity: 1 },
      ],
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      client_reference_id: ORDER,
      metadata: { orderReference: ORDER },
      payment_intent_data: { metadata: { orderReference: ORDER } },
      customer_email: "buyer@example.com",
    } satisfies Stripe.Checkout.SessionCreateParams);
  });

  it("makes one line for the whole amount when the order has no items", () => {
    const single = checkoutSessionParams({ orderReference: ORDER, amountMinor: 12_345, currency: "EUR" }, urls);
    assert.deepEqual(single.line_items, [
      { price_data: { currency: "eur", unit_amount: 12_345, product_data: { name: `Order ${ORDER}` } }, quantity: 1 },
    ]);
    assert.equal(single.customer_email, undefined);
    const named = checkoutSessionParams(
      { orderReference: ORDER, amountMinor: 990, currency: "EUR", lineItems: [] },
      { ...urls, productName: "Annual membership" },
    );
    assert.equal(named.line_items?.[0]?.price_data?.product_data?.name, "Annual membership");
  });

  it("throws a typed error when the items do not add up to the order's amount", () => {
    assert.throws(
      () => checkoutSessionParams({ ...order, amountMinor: 5000 }, urls),
      (error) => {
        assert.ok(error instanceof StripeCheckoutAmountMismatchError);
        assert.ok(error instanceof StripeCheckoutError);
        assert.equal(error.amountMinor, 5000n);
        assert.equal(error.lineItemsTotalMinor, 4900n);
        assert.equal(error.message, "lineItems: add up to 4900, but the order amount is 5000");
        return true;
      },
    );
  });

  it("sends a zero-decimal currency's amounts unchanged (JPY) and ISK in Stripe's hundredths", () => {
    const yen = checkoutSessionParams(
      {
        orderReference: ORDER,
        amountMinor: 5000,
        currency: "JPY",
        lineItems: [{ sku: "a", quantity: 2, unitAmountMinor: 2500 }],
      },
      urls,
    );
    assert.deepEqual(yen.line_items?.[0]?.price_data, {
      currency: "jpy",
      unit_amount: 2500,
      product_data: { name: "a" },
    });
    const krona = checkoutSessionParams({ orderReference: ORDER, amountMinor: 5000, currency: "ISK" }, urls);
    assert.equal(krona.line_items?.[0]?.price_data?.unit_amount, 500_000);
    assert.equal(krona.line_items?.[0]?.price_data?.currency, "isk");
  });

  it("puts the reference where each later event reads it", () => {
    const params = checkoutSessionParams(order, urls);
    const orderOf = (type: string, object: Record<string, unknown>, previousAttributes?: Record<string, unknown>) =>
      toPaymentEvent(asEvent(event(type, object, previousAttributes ? { previousAttributes } : {}))).orderReference;
    // The session carries metadata and client_reference_id; the PaymentIntent (and, copied from it
    // at confirmation, the charge) carries payment_intent_data.metadata.
    const session = checkoutSession({ metadata: params.metadata, client_reference_id: params.client_reference_id });
    assert.equal(orderOf("checkout.session.completed", session), ORDER);
    const piMetadata = params.payment_intent_data?.metadata;
    assert.equal(orderOf("payment_intent.succeeded", paymentIntent({ metadata: piMetadata })), ORDER);
    assert.equal(
      orderOf("charge.refunded", charge({ metadata: piMetadata, amount_refunded: 4900 }), { amount_refunded: 0 }),
      ORDER,
    );
  });

  it("refuses what Stripe would refuse, naming the field", () => {
    const item = { sku: "a", quantity: 1, unitAmountMinor: 100 };
    const base = { orderReference: ORDER, amountMinor: 100, currency: "USD", lineItems: [item] };
    checkoutError(() => checkoutSessionParams({ ...base, orderReference: "" }, urls), "orderReference");
    checkoutError(() => checkoutSessionParams({ ...base, orderReference: "x".repeat(201) }, urls), "orderReference");
    checkoutError(() => checkoutSessionParams({ ...base, currency: "US" }, urls), "currency");
    checkoutError(() => checkoutSessionParams({ ...base, currency: "XYZ" }, urls), "currency");
    checkoutError(() => checkoutSessionParams({ ...base, amountMinor: 0, lineItems: [] }, urls), "amountMinor");
    checkoutError(() => checkoutSessionParams({ ...base, amountMinor: 10.5, lineItems: [] }, urls), "amountMinor");
    checkoutError(
      () => checkoutSessionParams({ ...base, lineItems: [{ ...item, quantity: 0 }] }, urls),
      "lineItems[0].quantity",
    );
    checkoutError(
      () => checkoutSessionParams({ ...base, lineItems: [{ ...item, unitAmountMinor: -100, quantity: 1 }] }, urls),
      "lineItems[0].unitAmountMinor",
    );
    checkoutError(
      () => checkoutSessionParams({ ...base, lineItems: [{ quantity: 1, unitAmountMinor: 100, name: " " }] }, urls),
      "lineItems[0].name",
    );
    checkoutError(() => checkoutSessionParams(base, { ...urls, successUrl: "/checkout/done" }), "successUrl");
    checkoutError(() => checkoutSessionParams(base, { ...urls, cancelUrl: "javascript:alert(1)" }), "cancelUrl");
  });
});
