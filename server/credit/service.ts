import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { creditBalances, creditEntries, orders, users } from "../db/schema.ts";
import { enqueueRewardTasks, runRewardTasks } from "../rewards/tasks/tasks.ts";
import { ApiError, conflict, notFound } from "../http/errors.ts";
import type { OrderRow, RewardHook } from "../rewards/hook.ts";
import type { Logger } from "pino";

/** Adds credit: the balance and its ledger entry change in one transaction. */
export async function grantCredit(
  db: Db,
  input: { userId: string; currency: string; amountMinor: number; actor: string; note?: string | undefined },
): Promise<number> {
  return db.transaction(async (tx) => {
    const [balance] = await tx
      .insert(creditBalances)
      .values({ userId: input.userId, currency: input.currency, balanceMinor: input.amountMinor })
      .onConflictDoUpdate({
        target: [creditBalances.userId, creditBalances.currency],
        set: { balanceMinor: sql`${creditBalances.balanceMinor} + excluded.balance_minor` },
      })
      .returning({ balanceMinor: creditBalances.balanceMinor });
    await tx.insert(creditEntries).values({
      userId: input.userId,
      currency: input.currency,
      amountMinor: input.amountMinor,
      kind: "grant",
      actor: input.actor,
      note: input.note ?? null,
    });
    return balance!.balanceMinor;
  });
}

export async function creditOf(db: Db, userId: string) {
  const [balances, entries] = await Promise.all([
    db
      .select({ currency: creditBalances.currency, balanceMinor: creditBalances.balanceMinor })
      .from(creditBalances)
      .where(eq(creditBalances.userId, userId))
      .orderBy(creditBalances.currency),
    db.select().from(creditEntries).where(eq(creditEntries.userId, userId)).orderBy(desc(creditEntries.id)).limit(100),
  ]);
  return { balances, entries };
}

export async function userExists(db: Db, userId: string): Promise<boolean> {
  return (await db.select({ id: users.id }).from(users).where(eq(users.id, userId))).length > 0;
}

/**
 * Pays an order from the buyer's credit: debit, ledger entry and `paid` (rail crypto) commit
 * together or not at all. The debit is a guarded UPDATE (balance >= amount) under the row lock,
 * and a CHECK constraint backs it, so no interleaving of requests can overdraw.
 */
export async function payWithCredit(
  db: Db,
  rewards: RewardHook,
  logger: Logger,
  input: { orderReference: string; userId: string },
): Promise<OrderRow> {
  const order = await db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(orders)
      .where(eq(orders.orderReference, input.orderReference))
      .for("update");
    if (!current || current.buyerUserId !== input.userId) {
      throw notFound("order_not_found", `no order ${input.orderReference} of yours`);
    }
    if (current.status !== "pending") {
      throw conflict("order_not_payable", `order ${input.orderReference} is ${current.status}, not pending`);
    }
    const [debited] = await tx
      .update(creditBalances)
      .set({ balanceMinor: sql`${creditBalances.balanceMinor} - ${current.amountMinor}` })
      .where(
        and(
          eq(creditBalances.userId, input.userId),
          eq(creditBalances.currency, current.currency),
          sql`${creditBalances.balanceMinor} >= ${current.amountMinor}`,
        ),
      )
      .returning({ balanceMinor: creditBalances.balanceMinor });
    if (!debited) {
      throw new ApiError(
        402,
        "insufficient_credit",
        `not enough ${current.currency} credit for ${current.amountMinor} (minor units)`,
      );
    }
    await tx.insert(creditEntries).values({
      userId: input.userId,
      currency: current.currency,
      amountMinor: -current.amountMinor,
      kind: "order_payment",
      orderReference: current.orderReference,
      actor: `user:${input.userId}`,
    });
    const [paid] = await tx
      .update(orders)
      .set({ status: "paid", rail: "crypto", paidAt: new Date() })
      .where(eq(orders.id, current.id))
      .returning();
    await enqueueRewardTasks(tx, [current.orderReference]);
    return paid!;
  });
  // A failure here never undoes the payment: the task records it and the sweep retries.
  await runRewardTasks({ db, rewards, logger }, [order]);
  return order;
}
