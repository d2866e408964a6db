// Test fixtures: Stripe event payloads shaped like the API reference's objects (trimmed to the
// fields that matter plus a few neighbours), signed the way Stripe signs a webhook delivery.

import type Stripe from "stripe";
import { stripeWebhooks } from "./client.ts";

export const SECRET = "whsec_test_5d1f0c2b9a8e7d6c5b4a3f2e1d0c9b8a";
/** 2026-11-05T10:00:00Z: the fixtures' clock. */
export const NOW = new Date("2026-11-05T10:00:00Z");
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const ORDER = "ord_2Yc9xQ";
export const SESSION_ID = "cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ";
export const PAYMENT_INTENT_ID = "pi_3QxYzAbCdEfGhIj01aBcDeFg";
export const CHARGE_ID = "ch_3QxYzAbCdEfGhIj01hIjKlMn";
export const DISPUTE_ID = "du_1QxYzAbCdEfGhIj0OpQrStUv";

type Json = Record<string, unknown>;

/** An event envelope as Stripe delivers it. */
export function event(
  type: string,
  object: Json,
  options: { id?: string; previousAttributes?: Json; created?: number } = {},
): Json {
  const data: Json = { object };
  if (options.previousAttributes) data.previous_attributes = options.previousAttributes;
  return {
    id: options.id ?? "evt_1QxYzAbCdEfGhIj0KlMnOpQr",
    object: "event",
    api_version: "2026-10-28.endive",
    created: options.created ?? NOW_SECONDS - 2,
    data,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** A completed Checkout Session in payment mode (card: paid at completion). */
export function checkoutSession(overrides: Json = {}): Json {
  return {
    id: SESSION_ID,
    object: "checkout.session",
    amount_subtotal: 4900,
    amount_total: 4900,
    cancel_url: "https://shop.example/checkout/cancel",
    client_reference_id: ORDER,
    created: NOW_SECONDS - 120,
    currency: "usd",
    customer: null,
    customer_details: { email: "buyer@example.com", name: "Ada Buyer", tax_exempt: "none", tax_ids: [] },
    expires_at: NOW_SECONDS + 86_280,
    livemode: false,
    metadata: { orderReference: ORDER },
    mode: "payment",
    payment_intent: PAYMENT_INTENT_ID,
    payment_status: "paid",
    status: "complete",
    success_url: "https://shop.example/checkout/done?session_id={CHECKOUT_SESSION_ID}",
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: null,
    ...overrides,
  };
}

export function paymentIntent(overrides: Json = {}): Json {
  return {
    id: PAYMENT_INTENT_ID,
    object: "payment_intent",
    amount: 4900,
    amount_capturable: 0,
    amount_received: 4900,
    capture_method: "automatic_async",
    client_secret: `${PAYMENT_INTENT_ID}_secret_Zx9Yw8Vu7Ts6`,
    confirmation_method: "automatic",
    created: NOW_SECONDS - 60,
    currency: "usd",
    customer: null,
    latest_charge: CHARGE_ID,
    livemode: false,
    metadata: { orderReference: ORDER },
    payment_method: "pm_1QxYzAbCdEfGhIj0WxYzAbCd",
    payment_method_types: ["card"],
    status: "succeeded",
    ...overrides,
  };
}

export function charge(overrides: Json = {}): Json {
  return {
    id: CHARGE_ID,
    object: "charge",
    amount: 4900,
    amount_captured: 4900,
    amount_refunded: 0,
    balance_transaction: "txn_3QxYzAbCdEfGhIj01qRsTuVw",
    captured: true,
    created: NOW_SECONDS - 60,
    currency: "usd",
    customer: null,
    disputed: false,
    livemode: false,
    metadata: { orderReference: ORDER },
    outcome: { network_status: "approved_by_network", reason: null, risk_level: "normal", type: "authorized" },
    paid: true,
    payment_intent: PAYMENT_INTENT_ID,
    payment_method: "pm_1QxYzAbCdEfGhIj0WxYzAbCd",
    refunded: false,
    status: "succeeded",
    ...overrides,
  };
}

export function dispute(overrides: Json = {}): Json {
  return {
    id: DISPUTE_ID,
    object: "dispute",
    amount: 4900,
    balance_transactions: [],
    charge: CHARGE_ID,
    created: NOW_SECONDS - 30,
    currency: "usd",
    evidence_details: { due_by: NOW_SECONDS + 691_200, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: PAYMENT_INTENT_ID,
    reason: "fraudulent",
    status: "needs_response",
    ...overrides,
  };
}

/** The body as Stripe sends it (compact JSON) and its Stripe-Signature header. */
export function signed(payload: Json | string, options: { timestamp?: number; secret?: string } = {}) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const header = stripeWebhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? NOW_SECONDS - 2,
  });
  return { body, header };
}

/** A fixture as the parser's input type, without going through verification. */
export const asEvent = (value: Json) => value as unknown as Stripe.Event;
