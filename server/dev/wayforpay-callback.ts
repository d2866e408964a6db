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
  /** When the order was placed (createdDate). */
  createdAt: Date;
  /** When the provider processed it (processingDate); default now. */
  processedAt?: Date;
}

/** Where the amount goes; no order reference or other field can contain a NUL character. */
const AMOUNT = "\u0000amount";

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The callback's JSON text, byte for byte what is sent and signed. */
export function simulatedCallback(credentials: WayForPayCredentials, payment: SimulatedPayment): string {
  const approved = payment.transactionStatus === "Approved";
  const declined = payment.transactionStatus === "Declined";
  const amount = minorToDecimal(BigInt(payment.amountMinor), currencyExponent(payment.currency));
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
    createdDate: seconds(payment.createdAt),
    processingDate: seconds(payment.processedAt ?? new Date()),
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
  };
  // The amount is a JSON number printed exactly as signed (no float ever holds it).
  return JSON.stringify(fields).replace(JSON.stringify(AMOUNT), amount);
}
