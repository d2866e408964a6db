import { and, eq, sql } from "drizzle-orm";
import type { Address } from "viem";
import { walletsOf } from "../auth/users.ts";
import type { Db } from "../db/client.ts";
import { orders } from "../db/schema.ts";
import { findRefcode } from "../refcodes/lookup.ts";
import type { AttributionFacts } from "./decide.ts";

/** Whether the buyer already has a paid order: one probe of the partial index orders_buyer_paid_idx. */
export async function hasPaidOrder(db: Db, buyerUserId: string): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(orders)
    .where(and(eq(orders.buyerUserId, buyerUserId), eq(orders.status, "paid")))
    .limit(1);
  return rows.length > 0;
}

/** Gathers what decideAttribution needs, reading wallets at decision time (so wallets linked
 *  since the code was made count too). Without an active code the decision needs nothing more,
 *  and the wallets and paid orders are not read. */
export async function loadAttributionFacts(
  db: Db,
  input: {
    codeText: string | undefined;
    buyerUserId: string;
    extraBuyerWallets?: readonly Address[];
    purchase: boolean;
  },
): Promise<AttributionFacts> {
  const code = input.codeText === undefined ? undefined : await findRefcode(db, input.codeText);
  if (!code?.active) {
    return {
      codeText: input.codeText,
      code,
      buyerUserId: input.buyerUserId,
      buyerWallets: input.extraBuyerWallets ?? [],
      referrerWallets: [],
      buyerHasPaidOrder: false,
    };
  }
  const [buyerLinked, referrerLinked, buyerHasPaidOrder] = await Promise.all([
    walletsOf(db, input.buyerUserId),
    walletsOf(db, code.userId),
    input.purchase ? hasPaidOrder(db, input.buyerUserId) : Promise.resolve(false),
  ]);
  return {
    codeText: input.codeText,
    code,
    buyerUserId: input.buyerUserId,
    buyerWallets: [...buyerLinked, ...(input.extraBuyerWallets ?? [])],
    referrerWallets: [...referrerLinked, code.wallet],
    buyerHasPaidOrder,
  };
}
