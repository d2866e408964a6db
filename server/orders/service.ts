import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { Address } from "viem";
import { decideAttribution } from "../attribution/decide.ts";
import { loadAttributionFacts } from "../attribution/facts.ts";
import type { Db } from "../db/client.ts";
import { orders, refcodes, users } from "../db/schema.ts";
import { badRequest, conflict } from "../http/errors.ts";
import type { OrderRow } from "../rewards/hook.ts";
import type { LineItem } from "./schemas.ts";

export interface CreateOrderInput {
  orderReference?: string | undefined;
  kind: "store" | "membership";
  amountMinor?: number | undefined;
  currency: string;
  lineItems: LineItem[];
  buyerUserId: string;
  source: "app" | "host";
  /** The code the buyer arrived with (first-touch cookie, or given by the host). */
  codeText: string | undefined;
  /** Wallets a host platform names for the buyer, checked with the linked ones. */
  extraBuyerWallets?: readonly Address[];
}

export const newOrderReference = () => `ord_${randomBytes(12).toString("base64url")}`;

/** The order's amount: given, or the sum of its line items; both must agree when both are given. */
export function orderAmount(amountMinor: number | undefined, lineItems: readonly LineItem[]): number {
  const itemsTotal = lineItems.reduce((sum, item) => sum + item.quantity * item.unitAmountMinor, 0);
  if (lineItems.length > 0 && !Number.isSafeInteger(itemsTotal)) {
    throw badRequest("amount_too_large", "the line items add up to more than the largest supported amount");
  }
  if (amountMinor === undefined) {
    if (lineItems.length === 0)
      throw badRequest("amount_required", "amountMinor is required when there are no line items");
    if (itemsTotal <= 0) throw badRequest("amount_not_positive", "the line items add up to zero");
    return itemsTotal;
  }
  if (lineItems.length > 0 && itemsTotal !== amountMinor) {
    throw badRequest(
      "amount_mismatch",
      `amountMinor ${amountMinor} does not equal the line items' total ${itemsTotal}`,
    );
  }
  return amountMinor;
}

/** The code a membership is attributed to: the buyer's sign-up referrer's code, if any. */
async function membershipCode(db: Db, buyerUserId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ code: refcodes.code })
    .from(users)
    .innerJoin(refcodes, eq(refcodes.id, users.referredByCodeId))
    .where(eq(users.id, buyerUserId));
  return row?.code;
}

export async function findOrder(db: Db, orderReference: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.orderReference, orderReference));
  return row;
}

/**
 * Creates an order with its attribution decided first. The orderReference is the idempotency
 * key: a repeat (sequential or concurrent) returns the first order and creates nothing.
 */
export async function createOrder(db: Db, input: CreateOrderInput): Promise<{ order: OrderRow; created: boolean }> {
  const amountMinor = orderAmount(input.amountMinor, input.lineItems);
  const orderReference = input.orderReference ?? newOrderReference();
  const sameBuyer = (order: OrderRow) => {
    if (order.buyerUserId !== input.buyerUserId) {
      throw conflict("order_reference_taken", `orderReference ${orderReference} is already used by another order`);
    }
    return { order, created: false };
  };
  // Service-level short-circuit; the unique index below is what guarantees it under races.
  const existing = input.orderReference ? await findOrder(db, orderReference) : undefined;
  if (existing) return sameBuyer(existing);

  // A membership belongs to whoever brought the member in (referredBy); the code they arrived
  // with counts only for a member nobody referred.
  const codeText =
    input.kind === "membership" ? ((await membershipCode(db, input.buyerUserId)) ?? input.codeText) : input.codeText;
  const facts = await loadAttributionFacts(db, {
    codeText,
    buyerUserId: input.buyerUserId,
    extraBuyerWallets: input.extraBuyerWallets ?? [],
    purchase: true,
  });
  const decision = decideAttribution(facts);
  const [inserted] = await db
    .insert(orders)
    .values({
      orderReference,
      kind: input.kind,
      source: input.source,
      buyerUserId: input.buyerUserId,
      buyerWallets: [...(input.extraBuyerWallets ?? [])],
      amountMinor,
      currency: input.currency,
      lineItems: input.lineItems,
      attribution: decision.decision,
      ...(decision.decision === "accepted"
        ? {
            referralCode: decision.code,
            refcodeId: decision.refcodeId,
            referrerUserId: decision.referrerUserId,
            referrerWallet: decision.referrerWallet,
          }
        : decision.decision === "rejected"
          ? { referralCode: decision.code, attributionReason: decision.reason }
          : {}),
    })
    .onConflictDoNothing({ target: orders.orderReference })
    .returning();
  if (inserted) return { order: inserted, created: true };
  const winner = await findOrder(db, orderReference);
  if (!winner) throw new Error(`order ${orderReference} conflicted but cannot be read`);
  return sameBuyer(winner);
}

export function ordersOfBuyer(db: Db, buyerUserId: string, limit = 100) {
  return db
    .select()
    .from(orders)
    .where(eq(orders.buyerUserId, buyerUserId))
    .orderBy(desc(orders.createdAt))
    .limit(limit);
}

/** The host platform's buyer: one user per external id, created on first sight. */
export async function hostBuyer(db: Db, externalId: string): Promise<string> {
  await db.insert(users).values({ externalId }).onConflictDoNothing({ target: users.externalId });
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.externalId, externalId));
  return row!.id;
}

export function orderJson(order: OrderRow) {
  return {
    orderReference: order.orderReference,
    kind: order.kind,
    source: order.source,
    status: order.status,
    rail: order.rail,
    amountMinor: order.amountMinor,
    currency: order.currency,
    lineItems: order.lineItems as LineItem[],
    buyerUserId: order.buyerUserId,
    referral: {
      code: order.referralCode,
      referrerUserId: order.referrerUserId,
      referrerWallet: order.referrerWallet,
      attribution: order.attribution,
      reason: order.attributionReason,
    },
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
  };
}
