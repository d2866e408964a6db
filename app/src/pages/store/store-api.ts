// The store's calls to the server, all as the signed-in buyer: create an order (POST /api/orders;
// the referral code comes from the first-touch cookie), read it, pay it with credit, get the
// signed WayForPay form, and locally simulate WayForPay's callback.
import { api } from "../../api/client.ts";
import { type Product, STORE_CURRENCY } from "./catalog.ts";

export type AttributionReason =
  "unknown_code" | "inactive_code" | "self_referral" | "wallet_overlap" | "not_first_purchase";

export interface Order {
  orderReference: string;
  kind: "store" | "membership";
  status: "pending" | "paid" | "cancelled" | "refunded";
  rail: "fiat" | "crypto" | null;
  amountMinor: number;
  currency: string;
  lineItems: { sku: string; name?: string; quantity: number; unitAmountMinor: number }[];
  referral: {
    code: string | null;
    referrerUserId: string | null;
    referrerWallet: string | null;
    attribution: "none" | "accepted" | "rejected";
    reason: AttributionReason | null;
  };
  createdAt: string;
  paidAt: string | null;
}

export interface Credit {
  balances: { currency: string; balanceMinor: number }[];
}

export interface WayForPayForm {
  url: string;
  formEntries: [string, string][];
}

export const orderKey = (orderReference: string) => ["order", orderReference] as const;
export const creditKey = ["credit"] as const;

/** A fresh idempotency key per purchase attempt (the server's OrderReference shape). */
function newOrderReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `shop-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export const createOrder = (product: Product) =>
  api<Order>("/api/orders", {
    body: {
      orderReference: newOrderReference(),
      kind: product.kind,
      currency: STORE_CURRENCY,
      lineItems: [{ sku: product.sku, name: product.name, quantity: 1, unitAmountMinor: product.priceMinor }],
    },
  });

const path = (orderReference: string) => `/api/orders/${encodeURIComponent(orderReference)}`;

export const fetchOrder = (orderReference: string, signal?: AbortSignal) =>
  api<Order>(path(orderReference), signal ? { signal } : {});

export const payWithCredit = (orderReference: string) =>
  api<Order>(`${path(orderReference)}/pay-with-credit`, { method: "POST" });

export const fetchCredit = (signal?: AbortSignal) => api<Credit>("/api/credit", signal ? { signal } : {});

/** WayForPay's payment page languages for the app's. */
const WAYFORPAY_LANGUAGE: Record<string, string> = { en: "EN", uk: "UA", ru: "RU" };

export const wayforpayForm = (orderReference: string, language: string) =>
  api<WayForPayForm>(`${path(orderReference)}/checkout/wayforpay`, {
    body: { language: WAYFORPAY_LANGUAGE[language] ?? "AUTO" },
  });

export const simulateWayForPay = (orderReference: string) =>
  api<{ order: Order }>("/api/dev/simulate/wayforpay", { body: { orderReference } });
