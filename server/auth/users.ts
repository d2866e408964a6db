import { asc, eq, TransactionRollbackError } from "drizzle-orm";
import type { Address } from "viem";
import type { Db } from "../db/client.ts";
import { users, wallets } from "../db/schema.ts";
import { conflict } from "../http/errors.ts";

/** The user owning `wallet`, created with the wallet linked if it is new. Race-safe: the
 *  wallet's primary key decides, and a losing insert rolls back its user. */
export async function findOrCreateUserByWallet(db: Db, wallet: Address): Promise<{ userId: string; created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [existing] = await db.select({ userId: wallets.userId }).from(wallets).where(eq(wallets.address, wallet));
    if (existing) return { userId: existing.userId, created: false };
    const created = await db
      .transaction(async (tx) => {
        const [user] = await tx.insert(users).values({}).returning({ id: users.id });
        const linked = await tx
          .insert(wallets)
          .values({ address: wallet, userId: user!.id })
          .onConflictDoNothing()
          .returning({ userId: wallets.userId });
        if (linked.length === 0) {
          tx.rollback();
        }
        return user!.id;
      })
      .catch((error: unknown) => {
        // drizzle's rollback error is named "DrizzleError": match the class, not the name.
        if (error instanceof TransactionRollbackError) return undefined;
        throw error;
      });
    if (created) return { userId: created, created: true };
  }
  throw new Error(`could not resolve the user of ${wallet}`);
}

/** Links a further wallet to a signed-in user; a wallet belongs to one user only. */
export async function linkWallet(db: Db, userId: string, wallet: Address): Promise<void> {
  const inserted = await db.insert(wallets).values({ address: wallet, userId }).onConflictDoNothing().returning();
  if (inserted.length > 0) return;
  const [owner] = await db.select({ userId: wallets.userId }).from(wallets).where(eq(wallets.address, wallet));
  if (owner?.userId !== userId) throw conflict("wallet_taken", `${wallet} is already linked to another account`);
}

export async function walletsOf(db: Db, userId: string): Promise<Address[]> {
  const rows = await db
    .select({ address: wallets.address })
    .from(wallets)
    .where(eq(wallets.userId, userId))
    .orderBy(asc(wallets.linkedAt));
  return rows.map((row) => row.address as Address);
}
