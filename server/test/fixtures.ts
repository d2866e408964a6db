// Fixtures for tests of modules that need codes, users or paid orders without going through the
// routes that create them (those routes have their own tests), and an address nothing answers on.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { eq } from "drizzle-orm";
import type { Address } from "viem";
import { findOrCreateUserByWallet } from "../auth/users.ts";
import type { Db } from "../db/client.ts";
import { orders, refcodes } from "../db/schema.ts";
import type { OrderRow } from "../rewards/hook.ts";

/** A code paying `wallet`, owned by `options.userId` or else by the user of `wallet` (created if new). */
export async function insertCode(
  db: Db,
  wallet: Address,
  options: { code?: string; active?: boolean; userId?: string } = {},
) {
  const userId = options.userId ?? (await findOrCreateUserByWallet(db, wallet)).userId;
  const code = options.code ?? `T${randomBytes(5).toString("hex").toUpperCase()}`;
  const [row] = await db
    .insert(refcodes)
    .values({ code, codeKey: code.toLowerCase(), userId, wallet, kind: "vanity", active: options.active ?? true })
    .returning();
  return row!;
}

/** Marks an order paid by fiat (status paid, rail fiat, paid now) without a webhook, for tests of
 *  the ledger alone (the webhook path is tested in server/payments/). Returns the updated order,
 *  ready for the order-paid hook. */
export async function markPaidByFiat(db: Db, orderReference: string): Promise<OrderRow> {
  const [order] = await db
    .update(orders)
    .set({ status: "paid", rail: "fiat", paidAt: new Date() })
    .where(eq(orders.orderReference, orderReference))
    .returning();
  if (!order) throw new Error(`no order ${orderReference}`);
  return order;
}

/** A URL nothing listens on: a port that was free a moment ago (for "RPC down" cases). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
