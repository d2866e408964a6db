// Webhook deliveries signed the way each provider signs them, with the local test credentials, for
// tests and the webhook benchmark. WayForPay's signature is computed here from the documented
// field list with node:crypto, independently of the server's signature module.
import { createHmac } from "node:crypto";
import { LOCAL_PAYMENT_CREDENTIALS } from "../config.ts";
import { stripeWebhooks } from "../payments/stripe/client.ts";

const wayforpaySignature = (fields: readonly string[], key: string) =>
  createHmac("md5", key).update(fields.join(";"), "utf8").digest("hex");

export interface WayForPayCallbackInput {
  orderReference: string;
  /** As WayForPay prints it, e.g. "1547.30". */
  amount: string;
  currency: string;
  transactionStatus: string;
  /** Unix seconds; distinguishes two callbacks of the same status. */
  processingDate?: number;
  refundAmount?: string;
  merchantAccount?: string;
  secretKey?: string;
  reasonCode?: number;
}

/** The JSON text of a serviceUrl callback (amount printed as given). */
export function wayforpayCallback(input: WayForPayCallbackInput): string {
  const merchantAccount = input.merchantAccount ?? LOCAL_PAYMENT_CREDENTIALS.wayforpayMerchantAccount;
  const approved = input.transactionStatus === "Approved";
  const authCode = approved ? "541963" : "";
  const cardPan = "41****8217";
  const reasonCode = input.reasonCode ?? 1100;
  const merchantSignature = wayforpaySignature(
    [
      merchantAccount,
      input.orderReference,
      input.amount,
      input.currency,
      authCode,
      cardPan,
      input.transactionStatus,
      String(reasonCode),
    ],
    input.secretKey ?? LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey,
  );
  const processingDate = input.processingDate ?? 1_763_000_000;
  return (
    `{"merchantAccount":${JSON.stringify(merchantAccount)},"orderReference":${JSON.stringify(input.orderReference)},` +
    `"merchantSignature":"${merchantSignature}","amount":${input.amount},"currency":${JSON.stringify(input.currency)},` +
    `"authCode":"${authCode}","email":"buyer@example.com","phone":"380501234567",` +
    `"createdDate":${processingDate - 5},"processingDate":${processingDate},"cardPan":"${cardPan}",` +
    `"cardType":"Visa","issuerBankCountry":"980","issuerBankName":"Privatbank","recToken":"",` +
    `"transactionStatus":${JSON.stringify(input.transactionStatus)},"reason":"Ok","reasonCode":${reasonCode},` +
    `"fee":0,"paymentSystem":"card"${input.refundAmount === undefined ? "" : `,"refundAmount":${input.refundAmount}`}}`
  );
}

/** The acceptance signature the server must answer with. */
export const acceptanceSignature = (orderReference: string, time: number) =>
  wayforpaySignature([orderReference, "accept", String(time)], LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey);

type Json = Record<string, unknown>;

/** A Stripe event body and its Stripe-Signature header, signed now (or at `timestamp`). */
export function stripeDelivery(event: Json, options: { timestamp?: number; secret?: string } = {}) {
  const body = JSON.stringify(event);
  const header = stripeWebhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? LOCAL_PAYMENT_CREDENTIALS.stripeWebhookSecret,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return { body, header };
}

let eventCounter = 0;

/** A Stripe event envelope around `object`. */
export function stripeEvent(
  type: string,
  object: Json,
  options: { id?: string; previousAttributes?: Json } = {},
): Json {
  const data: Json = { object };
  if (options.previousAttributes) data.previous_attributes = options.previousAttributes;
  return {
    id: options.id ?? `evt_test_${Date.now().toString(36)}_${++eventCounter}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    data,
    livemode: false,
    pending_webhooks: 1,
    type,
  };
}
