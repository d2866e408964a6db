// The request body of a Checkout Session for an order (the params of
// `stripe.checkout.sessions.create`); nothing here calls Stripe.
//
// The order reference goes in three places, so every event about the payment can name the order:
// - `client_reference_id` and `metadata.orderReference`: on the session (checkout.session.*);
// - `payment_intent_data.metadata.orderReference`: on the PaymentIntent (payment_intent.*), and,
//   because Stripe copies a PaymentIntent's metadata to the charge it creates, on the charge
//   (charge.refunded). A session's own metadata is NOT copied to its PaymentIntent or charge.

import type Stripe from "stripe";
import { isKnownCurrency } from "../../rewards/money.ts";
import { toStripeAmount } from "./currency.ts";
import { StripeCheckoutAmountMismatchError, StripeCheckoutError } from "./errors.ts";
import { ORDER_REFERENCE_METADATA_KEY } from "./events.ts";

export interface StripeCheckoutLineItem {
  /** Shown to the buyer; the sku when absent. */
  name?: string | undefined;
  sku?: string | undefined;
  quantity: number;
  /** In this system's minor units (money.ts), as orders store it. */
  unitAmountMinor: number;
}

export interface StripeCheckoutOrder {
  orderReference: string;
  /** In this system's minor units (money.ts). */
  amountMinor: number;
  /** ISO 4217 (orders store it upper case; Stripe gets it lower case). */
  currency: string;
  /** One Checkout line per item; empty or absent: one line for the whole amount. */
  lineItems?: readonly StripeCheckoutLineItem[] | undefined;
}

export interface StripeCheckoutOptions {
  /** Where Stripe sends the buyer after paying; may contain `{CHECKOUT_SESSION_ID}`. */
  successUrl: string;
  /** Where Stripe sends the buyer who goes back. */
  cancelUrl: string;
  /** The name of the single line of an order without items (default `Order <reference>`). */
  productName?: string | undefined;
  customerEmail?: string | undefined;
}

/** Stripe's limit on client_reference_id (metadata values allow 500). */
const MAX_REFERENCE_LENGTH = 200;

/**
 * The Checkout Session params for `order`: mode "payment", one price_data line per item (or
 * one for the whole amount), amounts converted to Stripe's units for the currency. Throws
 * StripeCheckoutAmountMismatchError when the items do not add up to the order's amount, and
 * StripeCheckoutError (naming the field) for anything else Stripe would refuse.
 */
export function checkoutSessionParams(
  order: StripeCheckoutOrder,
  options: StripeCheckoutOptions,
): Stripe.Checkout.SessionCreateParams {
  const reference = order.orderReference;
  if (typeof reference !== "string" || reference.trim() === "" || reference.length > MAX_REFERENCE_LENGTH) {
    throw new StripeCheckoutError("orderReference", `must be 1 to ${MAX_REFERENCE_LENGTH} characters`);
  }
  const currency = checkedCurrency(order.currency);
  const amountMinor = BigInt(wholeNumber(order.amountMinor, "amountMinor", 1));
  const items = order.lineItems ?? [];

  const lines: { name: string; quantity: number; unitAmountMinor: bigint; field: string }[] =
    items.length === 0
      ? [
          {
            name: options.productName?.trim() || `Order ${reference}`,
            quantity: 1,
            unitAmountMinor: amountMinor,
            field: "amountMinor",
          },
        ]
      : items.map((item, i) => ({
          name: lineName(item, i),
          quantity: wholeNumber(item.quantity, `lineItems[${i}].quantity`, 1),
          unitAmountMinor: BigInt(wholeNumber(item.unitAmountMinor, `lineItems[${i}].unitAmountMinor`, 0)),
          field: `lineItems[${i}].unitAmountMinor`,
        }));

  const total = lines.reduce((sum, line) => sum + BigInt(line.quantity) * line.unitAmountMinor, 0n);
  if (total !== amountMinor) throw new StripeCheckoutAmountMismatchError(amountMinor, total);

  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "payment",
    line_items: lines.map((line) => ({
      price_data: {
        currency: currency.toLowerCase(),
        unit_amount: stripeUnitAmount(line.unitAmountMinor, currency, line.field),
        product_data: { name: line.name },
      },
      quantity: line.quantity,
    })),
    success_url: absoluteUrl(options.successUrl, "successUrl"),
    cancel_url: absoluteUrl(options.cancelUrl, "cancelUrl"),
    client_reference_id: reference,
    metadata: { [ORDER_REFERENCE_METADATA_KEY]: reference },
    payment_intent_data: { metadata: { [ORDER_REFERENCE_METADATA_KEY]: reference } },
  };
  if (options.customerEmail !== undefined) params.customer_email = options.customerEmail;
  return params;
}

function lineName(item: StripeCheckoutLineItem, index: number): string {
  const name = item.name?.trim() || item.sku?.trim();
  if (!name) throw new StripeCheckoutError(`lineItems[${index}].name`, "a line item needs a name or a sku");
  return name;
}

/** `value`, checked to be a safe integer of at least `min`. */
function wholeNumber(value: number, field: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new StripeCheckoutError(field, `must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

function checkedCurrency(value: string): string {
  if (typeof value !== "string" || !/^[a-z]{3}$/i.test(value)) {
    throw new StripeCheckoutError("currency", `expected a 3-letter ISO 4217 code, got ${JSON.stringify(value)}`);
  }
  const currency = value.toUpperCase();
  if (!isKnownCurrency(currency)) throw new StripeCheckoutError("currency", `unknown currency ${currency}`);
  return currency;
}

function stripeUnitAmount(minor: bigint, currency: string, field: string): number {
  const amount = toStripeAmount(minor, currency);
  if (amount === null || amount > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StripeCheckoutError(field, `${minor} ${currency} minor units cannot be a Stripe amount`);
  }
  return Number(amount);
}

function absoluteUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StripeCheckoutError(field, "must be an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new StripeCheckoutError(field, "must be an http(s) URL");
  }
  return value;
}
