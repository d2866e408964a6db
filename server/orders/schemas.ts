import { z } from "@hono/zod-openapi";
import { getAddress } from "viem";
import { attributionDecisions, attributionReasons } from "../db/schema.ts";
import { currencyExponent, UnknownCurrencyError } from "../rewards/money.ts";

const MAX_MINOR = Number.MAX_SAFE_INTEGER;

export const OrderReference = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{2,127}$/,
    "3–128 characters: letters, digits, _ . : - (starting with a letter or digit)",
  )
  .openapi({ example: "ord_2Yc9xQ" });

const CURRENCY_SHAPE = /^[A-Z]{3}$/;

/** An ISO 4217 code the runtime knows (money.ts sizes rewards with its minor-unit exponent). */
export const Currency = z
  .string()
  .regex(CURRENCY_SHAPE, "expected a 3-letter ISO 4217 code in capitals, e.g. USD")
  .superRefine((code, ctx) => {
    if (!CURRENCY_SHAPE.test(code)) return; // the regex has said so already
    try {
      currencyExponent(code);
    } catch (error) {
      if (!(error instanceof UnknownCurrencyError)) throw error;
      ctx.addIssue({ code: "custom", message: error.message });
    }
  })
  .openapi({ example: "USD" });

export const MinorUnits = z
  .number()
  .int("amounts are integers in minor units (cents)")
  .positive()
  .max(MAX_MINOR)
  .openapi({ description: "Amount in the currency's minor units (e.g. cents)", example: 4900 });

/** A 0x address in any case; validated input comes out checksummed (EIP-55). */
export const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((address) => getAddress(address));

export const LineItem = z
  .object({
    sku: z.string().min(1).max(64),
    name: z.string().max(200).optional(),
    quantity: z.number().int().min(1).max(10_000),
    unitAmountMinor: z.number().int().min(0).max(MAX_MINOR),
    commissionBps: z.number().int().min(0).max(10_000).optional().openapi({
      description: "Per-item commission in basis points, overriding the program default",
    }),
  })
  .openapi("LineItem");
export type LineItem = z.infer<typeof LineItem>;

const orderFields = {
  orderReference: OrderReference.optional().openapi({ description: "Idempotency key; generated when omitted" }),
  kind: z.enum(["store", "membership"]).default("store"),
  amountMinor: MinorUnits.optional().openapi({
    description: "Required without line items; must equal their sum with them",
  }),
  currency: Currency,
  lineItems: z.array(LineItem).max(100).default([]),
};

export const CreateOrderBody = z.object(orderFields).strict().openapi("CreateOrder");

export const CreateHostOrderBody = z
  .object({
    ...orderFields,
    buyer: z
      .object({
        id: z.string().min(1).max(128).openapi({ description: "The host platform's user id" }),
        wallets: z.array(Address).max(20).default([]),
      })
      .strict(),
    referralCode: z.string().min(1).max(64).optional().openapi({ description: "The code the buyer arrived with" }),
  })
  .strict()
  .openapi("CreateHostOrder");

export const Order = z
  .object({
    orderReference: z.string(),
    kind: z.enum(["store", "membership"]),
    source: z.enum(["app", "host"]),
    status: z.enum(["pending", "paid", "cancelled", "refunded"]),
    rail: z.enum(["fiat", "crypto"]).nullable(),
    amountMinor: z.number().int(),
    currency: z.string(),
    lineItems: z.array(LineItem),
    buyerUserId: z.uuid(),
    referral: z.object({
      code: z.string().nullable(),
      referrerUserId: z.uuid().nullable(),
      referrerWallet: z.string().nullable(),
      attribution: z.enum(attributionDecisions),
      reason: z.enum(attributionReasons).nullable(),
    }),
    createdAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
  })
  .openapi("Order");

export const OrderRefParam = z.object({ ref: OrderReference.openapi({ param: { name: "ref", in: "path" } }) });
