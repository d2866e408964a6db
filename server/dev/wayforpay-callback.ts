// The serviceUrl callback WayForPay would POST for an order, built for the local demo's
// "simulate provider" route: the documented fields, the amount as a JSON number in its shortest
// decimal form, and merchantSignature made by the same signing code the server verifies with
// (HMAC-MD5 over merchantAccount;orderReference;amount;currency;authCode;cardPan;
// transactionStatus;reasonCode — https://wiki.wayforpay.com/en/view/852102).
import { randomInt } from "node:crypto";
import { currencyExponent } from "../rewards/money.ts";
import { minorToDecimal } from "../payments/wayforpay/amount.ts";
import type { WayForPayCredentials } from "../payments/wayforpay/callback.ts";
import { hmacMd5 } from "../payments/wayforpay/signature.ts";

/** The outcomes the demo can simulate. */
export const SIMULATED_STATUSES = ["Approved", "Declined", "Refunded"] as const;
export type SimulatedStatus = (typeof SIMULATED_STATUSES)[number];

export interface SimulatedPayment {
  orderReference: string;
  amountMinor: number | bigint;
  currency: string;
  transactionStatus: SimulatedStatus;
  /** When the order was placed (createdDate); default 30 s before it was processed. */
  createdAt?: Date;
  /** When the provider processed it (processingDate); default now. */
  processedAt?: Date;
  /** Refunded only: a partial refund's amount (not signed; WayForPay sends it beside `amount`). */
  refundMinor?: number | bigint;
}

/** Where the amounts go; no order reference or other field can contain a NUL character. */
const AMOUNT = "\u0000amount";
const REFUND_AMOUNT = "\u0000refundAmount";

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The callback's JSON text, byte for byte what is sent and signed. */
export function simulatedCallback(credentials: WayForPayCredentials, payment: SimulatedPayment): string {
  const approved = payment.transactionStatus === "Approved";
  const declined = payment.transactionStatus === "Declined";
  const exponent = currencyExponent(payment.currency);
  const amount = minorToDecimal(BigInt(payment.amountMinor), exponent);
  const processedAt = payment.processedAt ?? new Date();
  const authCode = approved ? String(randomInt(100_000, 1_000_000)) : "";
  const cardPan = "41****8217";
  const reasonCode = declined ? 1101 : 1100;
  const fields = {
    merchantAccount: credentials.merchantAccount,
    orderReference: payment.orderReference,
    merchantSignature: hmacMd5(credentials.secretKey, [
      credentials.merchantAccount,
      payment.orderReference,
      amount,
      payment.currency,
      authCode,
      cardPan,
      payment.transactionStatus,
      String(reasonCode),
    ]),
    amount: AMOUNT,
    currency: payment.currency,
    authCode,
    email: "buyer@example.com",
    phone: "380501234567",
    createdDate: seconds(payment.createdAt ?? new Date(processedAt.getTime() - 30_000)),
    processingDate: seconds(processedAt),
    cardPan,
    cardType: "Visa",
    issuerBankCountry: "980",
    issuerBankName: "Privatbank",
    recToken: "",
    transactionStatus: payment.transactionStatus,
    reason: declined ? "Declined To Card Issuer" : "Ok",
    reasonCode,
    fee: 0,
    paymentSystem: "card",
    ...(payment.refundMinor === undefined ? {} : { refundAmount: REFUND_AMOUNT }),
  };
  // The amounts are JSON numbers printed exactly as signed (no float ever holds them).
  const text = JSON.stringify(fields).replace(JSON.stringify(AMOUNT), amount);
  return payment.refundMinor === undefined
    ? text
    : text.replace(JSON.stringify(REFUND_AMOUNT), minorToDecimal(BigInt(payment.refundMinor), exponent));
}
