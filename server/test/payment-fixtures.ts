// Webhook deliveries signed the way each provider signs them, with the local test credentials, for
// tests and the webhook benchmark. WayForPay's signature is computed here from the documented
// field list with node:crypto, independently of the server's signature module.
import { createHmac } from "node:crypto";
import { LOCAL_PAYMENT_CREDENTIALS } from "../config.ts";
import { event, signed } from "../payments/stripe/fixtures.ts";

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

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A Stripe event body and its Stripe-Signature header, signed now (or at `timestamp`) with the
 *  local webhook secret (or `secret`). */
export const stripeDelivery = (payload: Json, options: { timestamp?: number; secret?: string } = {}) =>
  signed(payload, {
    secret: options.secret ?? LOCAL_PAYMENT_CREDENTIALS.stripeWebhookSecret,
    timestamp: options.timestamp ?? nowSeconds(),
  });

let eventCounter = 0;

/** A Stripe event envelope around `object`, created now, with a fresh id unless given. */
export const stripeEvent = (type: string, object: Json, options: { id?: string; previousAttributes?: Json } = {}) =>
  event(type, object, {
    id: options.id ?? `evt_test_${Date.now().toString(36)}_${++eventCounter}`,
    created: nowSeconds(),
    ...(options.previousAttributes ? { previousAttributes: options.previousAttributes } : {}),
  });
