// The serviceUrl callback: WayForPay POSTs the result of a payment (and of later refunds) to the
// merchant as a JSON text. This module turns the raw body into a verified PaymentEvent.
//
// Followed: https://wiki.wayforpay.com/en/view/852102 (Purchase, "serviceUrl" response) and
// https://wiki.wayforpay.com/en/view/852117 (Check Status: the same response signature), which
// sign `merchantAccount;orderReference;amount;currency;authCode;cardPan;transactionStatus;reasonCode`
// with HMAC-MD5 under the merchant's SecretKey; statuses: https://wiki.wayforpay.com/en/view/852131.

import type { PaymentEvent } from "../event.ts";
import { currencyExponent, isKnownCurrency } from "../../rewards/money.ts";
import { decimalToMinor, shortestDecimal } from "./amount.ts";
import { WayForPayMerchantError, WayForPayPayloadError, WayForPaySignatureError } from "./errors.ts";
import { verifyHmacMd5 } from "./signature.ts";
import { transactionStatusKind } from "./status.ts";

export interface WayForPayCredentials {
  /** The merchant account (login) WayForPay assigned; callbacks for another account are refused. */
  merchantAccount: string;
  /** The merchant's SecretKey: signs requests and callbacks. */
  secretKey: string;
}

export interface WayForPayCallback {
  /** The verified, normalised event. */
  event: PaymentEvent;
  /** The callback as sent, as parsed by JSON.parse (numbers as `number`): for the ledger and humans. */
  payload: Record<string, unknown>;
  /** The JSON text it was read from, byte for byte what was signed (e.g. `1547.30` stays so). */
  json: string;
}

/**
 * Reads, authenticates and normalises a serviceUrl callback from its raw request body.
 *
 * The body is the JSON text. WayForPay labels it `application/x-www-form-urlencoded`, so a form
 * parser would make the whole text one key: pass the raw body, not a parsed one. A body that
 * already went through form encoding (the JSON as the one key of a form) is accepted too.
 *
 * Order of checks: well-formed (WayForPayPayloadError naming the field) → merchant account
 * (WayForPayMerchantError) → signature (WayForPaySignatureError) → amounts and currency, which are
 * only interpreted once authentic (WayForPayPayloadError).
 *
 * - The amount is verified as the characters sent (`1547.30`, not the float 1547.3), and also
 *   accepted when signed in its shortest form ("1547.3"): WayForPay's own SDKs verify the number
 *   re-printed that way, so either rendering of the same value may be what was signed. Both bind
 *   the same exact amount; a forger still needs the key.
 * - Fields of the signed list that are missing or null are signed as "" (authCode and cardPan are
 *   empty on declined payments); numbers (reasonCode 1100) are signed as sent.
 * - `amountMinor`: the amount in minor units, exactly (a fraction finer than the currency's minor
 *   unit is refused, never rounded). For `refunded`, a `refundAmount` field when the callback has
 *   one (it is not in the documented callback, and not signed: it may only lower the amount, never
 *   exceed `amount`), else `amount`.
 * - `providerEventId`: WayForPay sends no event id. The id is
 *   `orderReference:transactionStatus:processingDate:amountMinor` (each part URI-encoded;
 *   processingDate in unix seconds, createdDate when there is none, "" when neither). A redelivery
 *   of the same callback repeats every part (amountMinor is normalised, so `1547.3` and `1547.30`
 *   agree); a later status of the same order (Refunded after Approved) differs in the status, a
 *   second refund or a second declined attempt in the processing date and usually the amount.
 *   processingDate is not signed: the id stops duplicate deliveries, not a replay of a captured
 *   callback with an edited date: the processing path must stay idempotent on the order's state.
 * - `occurredAt`: processingDate, else createdDate, else null.
 */
export function parseCallback(body: string | Uint8Array, credentials: WayForPayCredentials): WayForPayCallback {
  const json = callbackJson(decodeBody(body));
  const raw = parseFields(json);

  const merchantAccount = requiredString(raw, "merchantAccount");
  const orderReference = requiredString(raw, "orderReference");
  const merchantSignature = requiredString(raw, "merchantSignature");
  const amount = requiredScalar(raw, "amount");
  const currency = requiredString(raw, "currency");
  const authCode = signedScalar(raw, "authCode");
  const cardPan = signedScalar(raw, "cardPan");
  const transactionStatus = requiredString(raw, "transactionStatus");
  const reasonCode = signedScalar(raw, "reasonCode");

  if (merchantAccount !== credentials.merchantAccount) throw new WayForPayMerchantError(merchantAccount);

  const signed = (amountText: string) => [
    merchantAccount,
    orderReference,
    amountText,
    currency,
    authCode,
    cardPan,
    transactionStatus,
    reasonCode,
  ];
  const candidates = [signed(amount)];
  const shortest = shortestDecimal(amount);
  if (shortest !== null && shortest !== amount) candidates.push(signed(shortest));
  if (!verifyHmacMd5(credentials.secretKey, candidates, merchantSignature)) throw new WayForPaySignatureError();

  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new WayForPayPayloadError(
      "currency",
      `must be an ISO 4217 code in capitals, got ${JSON.stringify(currency)}`,
    );
  }
  if (!isKnownCurrency(currency)) {
    throw new WayForPayPayloadError("currency", `is not a known ISO 4217 code: ${JSON.stringify(currency)}`);
  }
  const exponent = currencyExponent(currency);
  const amountMinor = minor(amount, exponent, "amount");

  const kind = transactionStatusKind(transactionStatus);
  let eventAmount = amountMinor;
  if (kind === "refunded") {
    const refund = optionalScalar(raw, "refundAmount");
    if (refund !== null && refund !== "") {
      eventAmount = minor(refund, exponent, "refundAmount");
      if (eventAmount > amountMinor) {
        throw new WayForPayPayloadError("refundAmount", `${JSON.stringify(refund)} exceeds amount ${amount}`);
      }
    }
  }

  const occurred = unixSeconds(raw, "processingDate") ?? unixSeconds(raw, "createdDate");
  const providerEventId = [orderReference, transactionStatus, occurred?.toString() ?? "", eventAmount.toString()]
    .map(encodeURIComponent)
    .join(":");

  return {
    event: {
      provider: "wayforpay",
      providerEventId,
      kind,
      orderReference,
      amountMinor: eventAmount,
      currency,
      providerStatus: transactionStatus,
      occurredAt: occurred === null ? null : new Date(occurred * 1000),
    },
    payload: raw.object,
    json,
  };
}

function decodeBody(body: string | Uint8Array): string {
  if (typeof body === "string") return body;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch (error) {
    throw new WayForPayPayloadError(null, "body is not UTF-8", { cause: error });
  }
}

/** The JSON text of the body: the body itself, or the one key of a form-encoded body. */
function callbackJson(text: string): string {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed.startsWith("{")) return trimmed;
  const entries = [...new URLSearchParams(trimmed)];
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only && only[1] === "" && only[0].trim().startsWith("{")) return only[0].trim();
  throw new WayForPayPayloadError(null, "body must be a JSON object (or a form whose one key is one)");
}

/** The callback's JSON object, and the source text of each of its number members. */
interface CallbackFields {
  object: Record<string, unknown>;
  numberSources: ReadonlyMap<string, string>;
}

/**
 * Parses the body with JSON.parse, whose reviver (V8 11.4+, so Node 22+) sees each number's source
 * text: JSON.parse turns `1547.30` into the float 1547.3, but WayForPay signs the characters.
 *
 * A duplicated key is not refused: JSON.parse keeps the last value, and the signature check, the
 * event and the stored payload all read that same value (the reviver only sees the kept one).
 * `__proto__` is an ordinary own key (JSON.parse defines it, it does not set the prototype), and
 * fields are read with Object.hasOwn, never through the prototype.
 */
function parseFields(json: string): CallbackFields {
  const sources = new WeakMap<object, Map<string, string>>();
  function reviver(this: object, key: string, value: unknown, context?: { source?: string }): unknown {
    if (typeof value === "number") {
      const source = context?.source;
      if (source === undefined) throw new Error("JSON.parse gave no number source text: Node 22 or later is needed");
      let numbers = sources.get(this);
      if (numbers === undefined) sources.set(this, (numbers = new Map()));
      numbers.set(key, source);
    }
    return value;
  }
  let object: unknown;
  try {
    object = JSON.parse(json, reviver);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new WayForPayPayloadError(null, `body is not valid JSON: ${error.message}`, { cause: error });
    }
    // The reviver walk recurses: a body nested thousands deep overflows the stack.
    if (error instanceof RangeError) {
      throw new WayForPayPayloadError(null, "body is nested too deeply", { cause: error });
    }
    throw error;
  }
  if (typeof object !== "object" || object === null || Array.isArray(object)) {
    throw new WayForPayPayloadError(null, "body must be a JSON object");
  }
  return { object: object as Record<string, unknown>, numberSources: sources.get(object) ?? new Map() };
}

function requiredString(fields: CallbackFields, field: string): string {
  const value = member(fields, field);
  if (value === undefined || value === null) throw new WayForPayPayloadError(field, "is missing");
  if (typeof value !== "string") throw new WayForPayPayloadError(field, "must be a string");
  if (value === "") throw new WayForPayPayloadError(field, "is empty");
  return value;
}

/** A string or a number, as the characters sent; required and non-empty. */
function requiredScalar(fields: CallbackFields, field: string): string {
  const value = optionalScalar(fields, field);
  if (value === null) throw new WayForPayPayloadError(field, "is missing");
  if (value === "") throw new WayForPayPayloadError(field, "is empty");
  return value;
}

/** A field of the signed list: as sent, or "" when missing or null. */
function signedScalar(fields: CallbackFields, field: string): string {
  return optionalScalar(fields, field) ?? "";
}

/** A string or a number as the characters sent; null when missing or null. */
function optionalScalar(fields: CallbackFields, field: string): string | null {
  const value = member(fields, field);
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number") return fields.numberSources.get(field)!;
  throw new WayForPayPayloadError(field, "must be a string or a number");
}

/** An own member of the object (undefined when missing): never one inherited from a prototype. */
function member(fields: CallbackFields, field: string): unknown {
  return Object.hasOwn(fields.object, field) ? fields.object[field] : undefined;
}

function minor(text: string, exponent: number, field: string): bigint {
  const result = decimalToMinor(text, exponent);
  if (typeof result === "string") throw new WayForPayPayloadError(field, result);
  return result;
}

/** Latest accepted date: the year 5138, far beyond any real one and safely inside Date's range. */
const MAX_UNIX_SECONDS = 100_000_000_000;

/** A date in unix seconds (number or digit string); null when missing, null or 0 (the "unset" value). */
function unixSeconds(fields: CallbackFields, field: string): number | null {
  const text = optionalScalar(fields, field);
  if (text === null || text === "") return null;
  if (!/^[0-9]{1,12}$/.test(text) || Number(text) > MAX_UNIX_SECONDS) {
    throw new WayForPayPayloadError(field, `must be a date in unix seconds, got ${JSON.stringify(text)}`);
  }
  const seconds = Number(text);
  return seconds === 0 ? null : seconds;
}
