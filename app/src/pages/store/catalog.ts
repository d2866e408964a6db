// The demo store's catalog: a few products and a membership, priced in minor units of one
// currency. Names shown on the page come from the store locale bundle (products.<sku>.*); `name`
// is what the order and WayForPay's payment page carry.
export const STORE_CURRENCY = "USD";

export interface Product {
  sku: string;
  kind: "store" | "membership";
  /** The line item's name on the order (and on WayForPay's page). */
  name: string;
  priceMinor: number;
}

export const catalog: readonly Product[] = [
  { sku: "mug", kind: "store", name: "Refcodes mug", priceMinor: 1250 },
  { sku: "tee", kind: "store", name: "Refcodes T-shirt", priceMinor: 2499 },
  { sku: "stickers", kind: "store", name: "Sticker pack", priceMinor: 499 },
  { sku: "membership", kind: "membership", name: "Refcodes membership (1 year)", priceMinor: 4900 },
];
