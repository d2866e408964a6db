// The Purchase request: the signed form that sends the buyer to WayForPay's hosted payment page.
// Followed: https://wiki.wayforpay.com/en/view/852102 (Accept payment (Purchase)): POST to
// https://secure.wayforpay.com/pay; merchantSignature = HMAC-MD5 under the SecretKey of
// `merchantAccount;merchantDomainName;orderReference;orderDate;amount;currency;productName[0..n];
// productCount[0..n];productPrice[0..n]` (all names, then all counts, then all prices), in UTF-8.

import { currencyExponent, isKnownCurrency } from "../../rewards/money.ts";
import { minorToDecimal } from "./amount.ts";
import type { WayForPayCredentials } from "./callback.ts";
import { WayForPayCheckoutError } from "./errors.ts";
import { hmacMd5 } from "./signature.ts";

export const WAYFORPAY_PAY_URL = "https://secure.wayforpay.com/pay";

export interface WayForPayCheckoutSettings extends WayForPayCredentials {
  /** The shop's domain as registered with WayForPay (signed). */
  merchantDomainName: string;
  /** Where WayForPay sends the buyer back (it POSTs the result there). */
  returnUrl?: string;
  /** Where WayForPay POSTs the callback; without it, the URL set in the merchant portal. */
  serviceUrl?: string;
  /** The payment page's language: AUTO, UA, EN, … (passed through). */
  language?: string;
}

export interface CheckoutLineItem {
  sku?: string;
  /** Shown on the payment page; the sku when absent. */
  name?: string;
  quantity: number;
  unitAmountMinor: number | bigint;
}

export interface CheckoutOrder {
  orderReference: string;
  /** When the order was placed (sent and signed in unix seconds). */
  orderDate: Date;
  amountMinor: number | bigint;
  currency: string;
  /** With items, their total must equal `amountMinor` exactly. */
  lineItems?: readonly CheckoutLineItem[];
  /** The one product line of an order without items; default `Order <orderReference>`. */
  description?: string;
}

export interface WayForPayPurchaseFields {
  merchantAccount: string;
  merchantAuthType: "SimpleSignature";
  merchantDomainName: string;
  merchantTransactionSecureType: "AUTO";
  merchantSignature: string;
  orderReference: string;
  orderDate: string;
  amount: string;
  currency: string;
  productName: string[];
  productPrice: string[];
  productCount: string[];
  returnUrl?: string;
  serviceUrl?: string;
  language?: string;
}

export interface WayForPayPurchaseRequest {
  /** Where the form is POSTed. */
  url: string;
  fields: WayForPayPurchaseFields;
}

/**
 * The signed Purchase request for an order, for an auto-submitted form (see `purchaseFormEntries`).
 *
 * Amounts are exact decimal strings made from minor units, in their shortest form (154736 UAH
 * minor → "1547.36", 154730 → "1547.3", 100000 → "1000"): the form that reads back as the same
 * number, however WayForPay parses it.
 *
 * Products: one line per line item, `productPrice` its unit price and `productCount` its
 * quantity. Unit prices are whole minor units, so every price prints exactly and
 * Σ count × price = amount holds to the minor unit: nothing is split or rounded. Items whose total
 * differs from the amount are refused (WayForPayCheckoutError) rather than adjusted: the order
 * service guarantees equality, so a difference is a bug to surface, not to paper over. An order
 * without items is one line: `description` × 1 at the full amount.
 */
export function buildPurchaseRequest(
  settings: WayForPayCheckoutSettings,
  order: CheckoutOrder,
): WayForPayPurchaseRequest {
  nonEmpty(settings.merchantAccount, "merchantAccount");
  nonEmpty(settings.merchantDomainName, "merchantDomainName");
  nonEmpty(order.orderReference, "orderReference");
  const exponent = exponentOf(order.currency);
  const amountMinor = integer(order.amountMinor, "amountMinor");
  if (amountMinor <= 0n) throw new WayForPayCheckoutError(`amountMinor must be positive, got ${amountMinor}`);
  const orderSeconds = Math.floor(order.orderDate.getTime() / 1000);
  if (!Number.isSafeInteger(orderSeconds) || orderSeconds < 0) {
    throw new WayForPayCheckoutError(`orderDate must be a valid date, got ${order.orderDate}`);
  }

  const products = productLines(order, amountMinor);
  const fields: WayForPayPurchaseFields = {
    merchantAccount: settings.merchantAccount,
    merchantAuthType: "SimpleSignature",
    merchantDomainName: settings.merchantDomainName,
    merchantTransactionSecureType: "AUTO",
    merchantSignature: "",
    orderReference: order.orderReference,
    orderDate: String(orderSeconds),
    amount: minorToDecimal(amountMinor, exponent),
    currency: order.currency,
    productName: products.map((p) => p.name),
    productPrice: products.map((p) => minorToDecimal(p.unitMinor, exponent)),
    productCount: products.map((p) => String(p.count)),
  };
  if (settings.returnUrl !== undefined) fields.returnUrl = settings.returnUrl;
  if (settings.serviceUrl !== undefined) fields.serviceUrl = settings.serviceUrl;
  if (settings.language !== undefined) fields.language = settings.language;

  fields.merchantSignature = hmacMd5(settings.secretKey, [
    fields.merchantAccount,
    fields.merchantDomainName,
    fields.orderReference,
    fields.orderDate,
    fields.amount,
    fields.currency,
    ...fields.productName,
    ...fields.productCount,
    ...fields.productPrice,
  ]);
  return { url: WAYFORPAY_PAY_URL, fields };
}

/**
 * The form's inputs in order, arrays as repeated `productName[]` / `productPrice[]` /
 * `productCount[]` entries: render each as `<input type="hidden">` (HTML-escaped) or pass them to
 * `new URLSearchParams(entries)`.
 */
export function purchaseFormEntries(fields: WayForPayPurchaseFields): [string, string][] {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) entries.push([`${name}[]`, item]);
    else entries.push([name, value as string]);
  }
  return entries;
}

interface ProductLine {
  name: string;
  count: number;
  unitMinor: bigint;
}

function productLines(order: CheckoutOrder, amountMinor: bigint): ProductLine[] {
  const items = order.lineItems ?? [];
  if (items.length === 0) {
    return [{ name: order.description?.trim() || `Order ${order.orderReference}`, count: 1, unitMinor: amountMinor }];
  }
  let total = 0n;
  const lines = items.map((item, i) => {
    const name = item.name?.trim() || item.sku?.trim();
    if (!name) throw new WayForPayCheckoutError(`lineItems[${i}] needs a name or a sku`);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
      throw new WayForPayCheckoutError(`lineItems[${i}].quantity must be a positive integer, got ${item.quantity}`);
    }
    const unitMinor = integer(item.unitAmountMinor, `lineItems[${i}].unitAmountMinor`);
    total += unitMinor * BigInt(item.quantity);
    return { name, count: item.quantity, unitMinor };
  });
  if (total !== amountMinor) {
    throw new WayForPayCheckoutError(`line items total ${total} minor units, not the order amount ${amountMinor}`);
  }
  return lines;
}

function exponentOf(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new WayForPayCheckoutError(`currency must be an ISO 4217 code in capitals, got ${JSON.stringify(currency)}`);
  }
  if (!isKnownCurrency(currency)) {
    throw new WayForPayCheckoutError(
      `unknown currency ${JSON.stringify(currency)}: expected an ISO 4217 code such as USD`,
    );
  }
  return currencyExponent(currency);
}

function integer(value: number | bigint, what: string): bigint {
  if (typeof value === "bigint") {
    if (value < 0n) throw new WayForPayCheckoutError(`${what} must not be negative, got ${value}`);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new WayForPayCheckoutError(`${what} must be a non-negative integer of minor units, got ${value}`);
  }
  return BigInt(value);
}

function nonEmpty(value: string, what: string): void {
  if (typeof value !== "string" || value.trim() === "") throw new WayForPayCheckoutError(`${what} must not be empty`);
}
