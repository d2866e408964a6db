import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StripePayloadError } from "./errors.ts";
import { toPaymentEvent, type StripePaymentEvent } from "./events.ts";
import {
  asEvent,
  charge,
  CHARGE_ID,
  checkoutSession,
  dispute,
  DISPUTE_ID,
  event,
  NOW,
  NOW_SECONDS,
  ORDER,
  PAYMENT_INTENT_ID,
  paymentIntent,
  SECRET,
  SESSION_ID,
  signed,
} from "./fixtures.ts";
import { verifyStripeWebhook } from "./verify.ts";

const EVENT_ID = "evt_1QxYzAbCdEfGhIj0KlMnOpQr";
const occurredAt = new Date((NOW_SECONDS - 2) * 1000);

/** Sign, verify and parse: the path a delivery takes. */
function deliver(payload: Record<string, unknown>): StripePaymentEvent {
  const { body, header } = signed(payload);
  return toPaymentEvent(verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET, now: NOW }));
}

function payloadError(run: () => unknown, field: string, message?: RegExp): void {
  assert.throws(run, (error) => {
    assert.ok(error instanceof StripePayloadError, String(error));
    assert.equal(error.field, field);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe("toPaymentEvent: checkout sessions", () => {
  it("maps a paid checkout.session.completed to paid, with amount_total and the upper-cased currency", () => {
    assert.deepEqual(deliver(event("checkout.session.completed", checkoutSession())), {
      provider: "stripe",
      providerEventId: EVENT_ID,
      kind: "paid",
      orderReference: ORDER,
      amountMinor: 4900n,
      currency: "USD",
      providerStatus: "checkout.session.completed",
      occurredAt,
      stripe: {
        objectId: SESSION_ID,
        checkoutSessionId: SESSION_ID,
        paymentIntentId: PAYMENT_INTENT_ID,
        chargeId: null,
        livemode: false,
        amountRefundedTotalMinor: null,
      },
    } satisfies StripePaymentEvent);
  });

  it("maps a session completed unpaid (a delayed method) to pending, then its async success to paid", () => {
    const unpaid = checkoutSession({ payment_status: "unpaid" });
    const completed = deliver(event("checkout.session.completed", unpaid));
    assert.equal(completed.kind, "pending");
    assert.equal(completed.amountMinor, 4900n);

    const succeeded = deliver(event("checkout.session.async_payment_succeeded", checkoutSession()));
    assert.equal(succeeded.kind, "paid");
    assert.equal(succeeded.orderReference, ORDER);
    assert.equal(succeeded.providerStatus, "checkout.session.async_payment_succeeded");
    // An "async success" whose session still says unpaid is not trusted as paid.
    assert.equal(deliver(event("checkout.session.async_payment_succeeded", unpaid)).kind, "pending");
  });

  it("maps an async payment failure to declined", () => {
    const failed = deliver(
      event("checkout.session.async_payment_failed", checkoutSession({ payment_status: "unpaid" })),
    );
    assert.equal(failed.kind, "declined");
    assert.equal(failed.orderReference, ORDER);
  });

  it("treats no_payment_required as pending, not paid", () => {
    const free = checkoutSession({ payment_status: "no_payment_required", amount_total: 0, amount_subtotal: 0 });
    assert.equal(deliver(event("checkout.session.completed", free)).kind, "pending");
  });

  it("falls back to client_reference_id, and gives null when the session names no order", () => {
    const noMetadata = checkoutSession({ metadata: {} });
    assert.equal(deliver(event("checkout.session.completed", noMetadata)).orderReference, ORDER);

    const anonymous = checkoutSession({ metadata: {}, client_reference_id: null });
    const parsed = deliver(event("checkout.session.completed", anonymous));
    assert.equal(parsed.orderReference, null);
    assert.equal(parsed.kind, "paid", "still a payment: the processing path records it for review");
    assert.equal(
      deliver(event("checkout.session.completed", checkoutSession({ metadata: null, client_reference_id: "" })))
        .orderReference,
      null,
    );
  });

  it("keeps a zero-decimal currency's amount as is: JPY 5000 is ¥5000", () => {
    const yen = deliver(event("checkout.session.completed", checkoutSession({ amount_total: 5000, currency: "jpy" })));
    assert.equal(yen.amountMinor, 5000n);
    assert.equal(yen.currency, "JPY");
  });

  it("converts Stripe's hundredths where this system counts whole units (ISK)", () => {
    // Stripe keeps ISK two-decimal in its API (5000 kr is 500000); the runtime's ISO data has 0 digits.
    const krona = deliver(
      event("checkout.session.completed", checkoutSession({ amount_total: 500_000, currency: "isk" })),
    );
    assert.equal(krona.amountMinor, 5000n);
    assert.equal(krona.currency, "ISK");
  });
});

describe("toPaymentEvent: payment intents", () => {
  it("maps payment_intent.succeeded to paid with amount_received and the PaymentIntent's metadata", () => {
    assert.deepEqual(deliver(event("payment_intent.succeeded", paymentIntent())), {
      provider: "stripe",
      providerEventId: EVENT_ID,
      kind: "paid",
      orderReference: ORDER,
      amountMinor: 4900n,
      currency: "USD",
      providerStatus: "payment_intent.succeeded",
      occurredAt,
      stripe: {
        objectId: PAYMENT_INTENT_ID,
        checkoutSessionId: null,
        paymentIntentId: PAYMENT_INTENT_ID,
        chargeId: CHARGE_ID,
        livemode: false,
        amountRefundedTotalMinor: null,
      },
    } satisfies StripePaymentEvent);
  });

  it("gives orderReference null when the PaymentIntent has no metadata (a session without payment_intent_data)", () => {
    const parsed = deliver(event("payment_intent.succeeded", paymentIntent({ metadata: {} })));
    assert.equal(parsed.orderReference, null);
    assert.equal(parsed.kind, "paid");
  });
});

describe("toPaymentEvent: refunds", () => {
  it("gives this event's refund, not the cumulative amount_refunded, from previous_attributes", () => {
    const first = deliver(
      event("charge.refunded", charge({ amount_refunded: 1500 }), {
        previousAttributes: { amount_refunded: 0 },
      }),
    );
    assert.deepEqual(first, {
      provider: "stripe",
      providerEventId: EVENT_ID,
      kind: "refunded",
      orderReference: ORDER,
      amountMinor: 1500n,
      currency: "USD",
      providerStatus: "charge.refunded",
      occurredAt,
      stripe: {
        objectId: CHARGE_ID,
        checkoutSessionId: null,
        paymentIntentId: PAYMENT_INTENT_ID,
        chargeId: CHARGE_ID,
        livemode: false,
        amountRefundedTotalMinor: 1500n,
      },
    } satisfies StripePaymentEvent);

    // The second partial refund refunds the rest: 4900 in total, 3400 by this event.
    const second = deliver(
      event("charge.refunded", charge({ amount_refunded: 4900, refunded: true }), {
        id: "evt_1QxYzAbCdEfGhIj0SeCoNdRf",
        previousAttributes: { amount_refunded: 1500, refunded: false },
      }),
    );
    assert.equal(second.amountMinor, 3400n);
    assert.equal(second.stripe.amountRefundedTotalMinor, 4900n);
    assert.equal(second.providerEventId, "evt_1QxYzAbCdEfGhIj0SeCoNdRf");
  });

  it("without previous_attributes the event's refund is unknown: amountMinor null, the total kept", () => {
    const parsed = deliver(event("charge.refunded", charge({ amount_refunded: 1500 })));
    assert.equal(parsed.kind, "refunded");
    assert.equal(parsed.amountMinor, null);
    assert.equal(parsed.stripe.amountRefundedTotalMinor, 1500n);
    // previous_attributes present but without amount_refunded: the same.
    const other = deliver(
      event("charge.refunded", charge({ amount_refunded: 1500 }), { previousAttributes: { refunded: false } }),
    );
    assert.equal(other.amountMinor, null);
  });

  it("rejects a previous amount_refunded that is not below the current one", () => {
    payloadError(
      () =>
        toPaymentEvent(
          asEvent(
            event("charge.refunded", charge({ amount_refunded: 1500 }), {
              previousAttributes: { amount_refunded: 1500 },
            }),
          ),
        ),
      "data.previous_attributes.amount_refunded",
      /1500 is not below amount_refunded 1500/,
    );
  });

  it("finds the order through an expanded PaymentIntent when the charge has no metadata", () => {
    const expanded = charge({ metadata: {}, amount_refunded: 4900, payment_intent: paymentIntent() });
    const parsed = toPaymentEvent(
      asEvent(event("charge.refunded", expanded, { previousAttributes: { amount_refunded: 0 } })),
    );
    assert.equal(parsed.orderReference, ORDER);
    assert.equal(parsed.stripe.paymentIntentId, PAYMENT_INTENT_ID);
    const bare = charge({ metadata: {}, amount_refunded: 4900 });
    assert.equal(
      toPaymentEvent(asEvent(event("charge.refunded", bare, { previousAttributes: { amount_refunded: 0 } })))
        .orderReference,
      null,
    );
  });

  it("refunds a zero-decimal currency in whole units (JPY)", () => {
    const yen = deliver(
      event(
        "charge.refunded",
        charge({ amount: 5000, amount_captured: 5000, amount_refunded: 2000, currency: "jpy" }),
        {
          previousAttributes: { amount_refunded: 500 },
        },
      ),
    );
    assert.equal(yen.amountMinor, 1500n);
    assert.equal(yen.currency, "JPY");
  });
});

describe("toPaymentEvent: disputes", () => {
  it("maps charge.dispute.created to chargeback with the disputed amount; the order is not in the event", () => {
    assert.deepEqual(deliver(event("charge.dispute.created", dispute({ amount: 4000 }))), {
      provider: "stripe",
      providerEventId: EVENT_ID,
      kind: "chargeback",
      orderReference: null,
      amountMinor: 4000n,
      currency: "USD",
      providerStatus: "charge.dispute.created",
      occurredAt,
      stripe: {
        objectId: DISPUTE_ID,
        checkoutSessionId: null,
        paymentIntentId: PAYMENT_INTENT_ID,
        chargeId: CHARGE_ID,
        livemode: false,
        amountRefundedTotalMinor: null,
      },
    } satisfies StripePaymentEvent);
  });

  it("takes the order from the dispute's metadata or an expanded charge when there is one", () => {
    const withMetadata = dispute({ metadata: { orderReference: ORDER } });
    assert.equal(toPaymentEvent(asEvent(event("charge.dispute.created", withMetadata))).orderReference, ORDER);
    const expanded = toPaymentEvent(asEvent(event("charge.dispute.created", dispute({ charge: charge() }))));
    assert.equal(expanded.orderReference, ORDER);
    assert.equal(expanded.stripe.chargeId, CHARGE_ID);
  });
});

describe("toPaymentEvent: other events", () => {
  it("answers ignored, with no order, amount or currency, for every other type", () => {
    for (const [type, object] of [
      ["payment_intent.created", paymentIntent({ status: "requires_payment_method", amount_received: 0 })],
      ["charge.succeeded", charge()],
      ["checkout.session.expired", checkoutSession({ status: "expired", payment_status: "unpaid" })],
      ["charge.dispute.closed", dispute({ status: "won" })],
      ["customer.created", { id: "cus_Qx1", object: "customer" }],
    ] as const) {
      assert.deepEqual(deliver(event(type, object)), {
        provider: "stripe",
        providerEventId: EVENT_ID,
        kind: "ignored",
        orderReference: null,
        amountMinor: null,
        currency: null,
        providerStatus: type,
        occurredAt,
        stripe: {
          objectId: null,
          checkoutSessionId: null,
          paymentIntentId: null,
          chargeId: null,
          livemode: false,
          amountRefundedTotalMinor: null,
        },
      } satisfies StripePaymentEvent);
    }
  });
});

describe("toPaymentEvent: payloads it cannot use", () => {
  it("names the field that is missing or of the wrong type", () => {
    const parse = (payload: Record<string, unknown>) => () => toPaymentEvent(asEvent(payload));
    const { id: _id, ...withoutId } = event("checkout.session.completed", checkoutSession());
    payloadError(parse(withoutId), "id");
    payloadError(
      parse(event("checkout.session.completed", checkoutSession({ amount_total: "4900" }))),
      "data.object.amount_total",
    );
    payloadError(
      parse(event("checkout.session.completed", checkoutSession({ amount_total: 49.5 }))),
      "data.object.amount_total",
    );
    payloadError(
      parse(event("payment_intent.succeeded", paymentIntent({ amount_received: -1 }))),
      "data.object.amount_received",
    );
    payloadError(parse(event("charge.refunded", charge({ currency: null }))), "data.object.currency");
    payloadError(
      parse(event("charge.dispute.created", dispute({ currency: "xyz" }))),
      "data.object.currency",
      /unknown currency XYZ/,
    );
    payloadError(
      parse(event("checkout.session.completed", checkoutSession({ payment_status: undefined }))),
      "data.object.payment_status",
    );
    payloadError(parse({ ...event("charge.refunded", charge()), data: null }), "data");
    payloadError(parse({ ...event("charge.refunded", charge()), data: { object: "ch_1" } }), "data.object");
  });

  it("refuses an amount that is not a whole number of this system's minor units", () => {
    // HUF: Stripe counts fillér (1045 = 10.45 Ft), this system whole forints.
    payloadError(
      () => toPaymentEvent(asEvent(event("charge.dispute.created", dispute({ amount: 1045, currency: "huf" })))),
      "data.object.amount",
      /1045 is not a whole number of HUF minor units/,
    );
    const forints = toPaymentEvent(
      asEvent(event("charge.dispute.created", dispute({ amount: 104_500, currency: "huf" }))),
    );
    assert.equal(forints.amountMinor, 1045n);
  });

  it("gives occurredAt null when the event has no usable created time", () => {
    const { created: _created, ...undated } = event("checkout.session.completed", checkoutSession());
    assert.equal(toPaymentEvent(asEvent(undated)).occurredAt, null);
  });
});
