// A verified Stripe event as the one PaymentEvent shape the processing path works on.
//
// The event body is Stripe's JSON rendered with the webhook endpoint's API version, so this
// parser trusts no field's type: it reads what it needs and throws StripePayloadError naming the
// first field that is missing or of the wrong type.
//
// Mapping:
// - checkout.session.completed, checkout.session.async_payment_succeeded → `paid` when the
//   session's payment_status is "paid", else `pending` (a delayed method such as SEPA debit
//   completes the session unpaid; async_payment_succeeded follows when the money arrives, and it
//   is mapped like completed rather than trusted blindly); amount = amount_total.
// - checkout.session.async_payment_failed → `declined` (the delayed payment failed).
// - payment_intent.succeeded → `paid`; amount = amount_received.
// - charge.refunded → `refunded`; amount = THIS event's refund (see refundDelta).
// - charge.dispute.created → `chargeback`; amount = the disputed amount.
// - anything else → `ignored`, with no order, amount or currency.
//
// One Checkout payment produces both checkout.session.completed and payment_intent.succeeded (two
// `paid` events, two event ids, one order): marking an order paid must be idempotent.
//
// The order: metadata.orderReference of the object the event carries. The Checkout helper
// (checkout.ts) puts it on the session (metadata, client_reference_id) AND on the PaymentIntent
// (payment_intent_data.metadata): a session's metadata is not copied to its PaymentIntent, while a
// PaymentIntent's metadata is copied to its charge when it is confirmed, so payment intents and
// charges (refunds) carry it too. A dispute carries only the ids of the charge and the
// PaymentIntent (its own metadata is empty): for `chargeback` the reference is found only when an
// expanded charge or PaymentIntent is embedded, otherwise it is null and `stripe.paymentIntentId`
// / `stripe.chargeId` name the payment, for the processing path to find the order (through the
// PaymentIntent id it recorded from the `paid` event, or by retrieving the charge).

import type Stripe from "stripe";
import type { PaymentEvent, PaymentEventKind } from "../event.ts";
import { isKnownCurrency } from "../../rewards/money.ts";
import { fromStripeAmount } from "./currency.ts";
import { StripePayloadError } from "./errors.ts";

/** The metadata key (on the session, the PaymentIntent and so the charge) naming the order. */
export const ORDER_REFERENCE_METADATA_KEY = "orderReference";

/** The event types this module acts on: subscribe the webhook endpoint to these. */
export const handledStripeEventTypes = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "payment_intent.succeeded",
  "charge.refunded",
  "charge.dispute.created",
] as const;
export type HandledStripeEventType = (typeof handledStripeEventTypes)[number];

/** Stripe ids an event names: for the ledger, and to find the order of a dispute. */
export interface StripeReferences {
  /** The id of the event's object (cs_…, pi_…, ch_…, du_…); null for an ignored type. */
  objectId: string | null;
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
  chargeId: string | null;
  /** false for test-mode events; null when the event does not say. */
  livemode: boolean | null;
  /**
   * charge.refunded only: the charge's cumulative refunded amount (minor units). When the event
   * lacks `previous_attributes.amount_refunded`, `amountMinor` is null and this is what is known:
   * the processing path can take the delta against the refunds it has recorded for the charge.
   */
  amountRefundedTotalMinor: bigint | null;
}

export interface StripePaymentEvent extends PaymentEvent {
  provider: "stripe";
  stripe: StripeReferences;
}

type Json = Record<string, unknown>;

/** The PaymentEvent of a verified Stripe event (see the mapping above). */
export function toPaymentEvent(event: Stripe.Event): StripePaymentEvent {
  const root = record(event as unknown, "event");
  const providerEventId = nonEmptyString(root.id, "id");
  const type = nonEmptyString(root.type, "type");
  const base = {
    provider: "stripe" as const,
    providerEventId,
    providerStatus: type,
    occurredAt: createdAt(root.created),
  };
  const livemode = typeof root.livemode === "boolean" ? root.livemode : null;

  if (!isHandled(type)) {
    return {
      ...base,
      kind: "ignored",
      orderReference: null,
      amountMinor: null,
      currency: null,
      stripe: { ...noReferences, livemode },
    };
  }

  const data = record(root.data, "data");
  const object = record(data.object, "data.object");
  switch (type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
    case "checkout.session.async_payment_failed": {
      const paymentStatus = nonEmptyString(object.payment_status, "data.object.payment_status");
      const kind: PaymentEventKind =
        type === "checkout.session.async_payment_failed" ? "declined" : paymentStatus === "paid" ? "paid" : "pending";
      const currency = optionalCurrency(object.currency, "data.object.currency");
      const id = nonEmptyString(object.id, "data.object.id");
      return {
        ...base,
        kind,
        orderReference: orderReferenceIn(object.metadata) ?? optionalString(object.client_reference_id),
        amountMinor: optionalAmount(object.amount_total, currency, "data.object.amount_total"),
        currency,
        stripe: {
          ...noReferences,
          objectId: id,
          checkoutSessionId: id,
          paymentIntentId: idOf(object.payment_intent),
          livemode,
        },
      };
    }
    case "payment_intent.succeeded": {
      const currency = requiredCurrency(object.currency, "data.object.currency");
      const id = nonEmptyString(object.id, "data.object.id");
      return {
        ...base,
        kind: "paid",
        orderReference: orderReferenceIn(object.metadata),
        amountMinor: amount(object.amount_received, currency, "data.object.amount_received"),
        currency,
        stripe: { ...noReferences, objectId: id, paymentIntentId: id, chargeId: idOf(object.latest_charge), livemode },
      };
    }
    case "charge.refunded": {
      const currency = requiredCurrency(object.currency, "data.object.currency");
      const id = nonEmptyString(object.id, "data.object.id");
      const refund = refundDelta(object, data.previous_attributes);
      return {
        ...base,
        kind: "refunded",
        orderReference: orderReferenceIn(object.metadata) ?? orderReferenceOfExpanded(object.payment_intent),
        amountMinor: refund.delta === null ? null : toMinor(refund.delta, currency, refund.deltaField),
        currency,
        stripe: {
          ...noReferences,
          objectId: id,
          chargeId: id,
          paymentIntentId: idOf(object.payment_intent),
          livemode,
          amountRefundedTotalMinor: toMinor(refund.total, currency, "data.object.amount_refunded"),
        },
      };
    }
    case "charge.dispute.created": {
      const currency = requiredCurrency(object.currency, "data.object.currency");
      return {
        ...base,
        kind: "chargeback",
        orderReference:
          orderReferenceIn(object.metadata) ??
          orderReferenceOfExpanded(object.charge) ??
          orderReferenceOfExpanded(object.payment_intent),
        amountMinor: amount(object.amount, currency, "data.object.amount"),
        currency,
        stripe: {
          ...noReferences,
          objectId: nonEmptyString(object.id, "data.object.id"),
          chargeId: idOf(object.charge),
          paymentIntentId: idOf(object.payment_intent),
          livemode,
        },
      };
    }
  }
}

/** The order reference in a Stripe metadata object, or null. */
function orderReferenceIn(metadata: unknown): string | null {
  if (!isRecord(metadata)) return null;
  return optionalString(metadata[ORDER_REFERENCE_METADATA_KEY]);
}

/**
 * A charge's `amount_refunded` is cumulative over all its refunds; PaymentEvent wants this
 * event's refund. Stripe sends the value before the update in
 * `data.previous_attributes.amount_refunded`, so the delta is the difference (in Stripe units,
 * before conversion). Without it the delta is unknown (null); the total is always returned.
 */
function refundDelta(
  charge: Json,
  previousAttributes: unknown,
): { total: bigint; delta: bigint | null; deltaField: string } {
  const total = stripeInteger(charge.amount_refunded, "data.object.amount_refunded");
  const deltaField = "data.previous_attributes.amount_refunded";
  if (!isRecord(previousAttributes) || previousAttributes.amount_refunded === undefined) {
    return { total, delta: null, deltaField };
  }
  const previous = stripeInteger(previousAttributes.amount_refunded, deltaField);
  if (previous >= total) {
    throw new StripePayloadError(deltaField, `${previous} is not below amount_refunded ${total}`);
  }
  return { total, delta: total - previous, deltaField };
}

const noReferences: StripeReferences = {
  objectId: null,
  checkoutSessionId: null,
  paymentIntentId: null,
  chargeId: null,
  livemode: null,
  amountRefundedTotalMinor: null,
};

function isHandled(type: string): type is HandledStripeEventType {
  return (handledStripeEventTypes as readonly string[]).includes(type);
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown, field: string): Json {
  if (!isRecord(value)) throw new StripePayloadError(field, `expected an object, got ${describe(value)}`);
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new StripePayloadError(field, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function optionalString(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** An expandable field: the id string, or the expanded object's id. */
function idOf(value: unknown): string | null {
  if (typeof value === "string") return optionalString(value);
  return isRecord(value) ? optionalString(value.id) : null;
}

/** The order reference of an expandable field, when it is expanded (webhooks send ids only). */
function orderReferenceOfExpanded(value: unknown): string | null {
  return isRecord(value) ? orderReferenceIn(value.metadata) : null;
}

function createdAt(value: unknown): Date | null {
  return Number.isSafeInteger(value) && (value as number) > 0 ? new Date((value as number) * 1000) : null;
}

function stripeInteger(value: unknown, field: string): bigint {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new StripePayloadError(field, `expected a non-negative integer amount, got ${describe(value)}`);
  }
  return BigInt(value);
}

function amount(value: unknown, currency: string, field: string): bigint {
  return toMinor(stripeInteger(value, field), currency, field);
}

function optionalAmount(value: unknown, currency: string | null, field: string): bigint | null {
  if (value === null || value === undefined) return null;
  if (currency === null) throw new StripePayloadError(field, "an amount without a currency");
  return amount(value, currency, field);
}

function toMinor(stripeAmount: bigint, currency: string, field: string): bigint {
  const minor = fromStripeAmount(stripeAmount, currency);
  if (minor === null) {
    throw new StripePayloadError(field, `${stripeAmount} is not a whole number of ${currency} minor units`);
  }
  return minor;
}

function requiredCurrency(value: unknown, field: string): string {
  const currency = optionalCurrency(value, field);
  if (currency === null) throw new StripePayloadError(field, "expected a currency code, got null");
  return currency;
}

/** Stripe sends lower-case ISO 4217 codes; PaymentEvent wants upper case. */
function optionalCurrency(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string" || !/^[a-z]{3}$/i.test(value)) {
    throw new StripePayloadError(field, `expected a 3-letter currency code, got ${describe(value)}`);
  }
  const currency = value.toUpperCase();
  if (!isKnownCurrency(currency)) throw new StripePayloadError(field, `unknown currency ${currency}`);
  return currency;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
