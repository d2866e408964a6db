import { randomBytes } from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { siweNonces } from "../db/schema.ts";

export const NONCE_TTL_SECONDS = 600;

/** 128 random bits as hex: SIWE wants at least 8 alphanumeric characters. */
export async function issueNonce(db: Db, now = new Date()): Promise<{ nonce: string; expiresAt: Date }> {
  const nonce = randomBytes(16).toString("hex");
  const expiresAt = new Date(now.getTime() + NONCE_TTL_SECONDS * 1000);
  await db.insert(siweNonces).values({ nonce, expiresAt });
  return { nonce, expiresAt };
}

/** Deletes the nonce if it exists and is live: its expiry at most once per nonce, whatever the
 *  races; undefined when it is unknown, expired or already used. */
export async function consumeNonce(db: Db, nonce: string): Promise<Date | undefined> {
  const [row] = await db
    .delete(siweNonces)
    .where(and(eq(siweNonces.nonce, nonce), gt(siweNonces.expiresAt, sql`now()`)))
    .returning({ expiresAt: siweNonces.expiresAt });
  return row?.expiresAt;
}

/** Puts a consumed nonce back, unchanged: for a sign-in that failed on our side (chain outage),
 *  so the same signed message can be retried. */
export async function restoreNonce(db: Db, nonce: string, expiresAt: Date): Promise<void> {
  await db.insert(siweNonces).values({ nonce, expiresAt }).onConflictDoNothing();
}

/** Deletes the nonces past their expiry (consumeNonce never accepts them); run by the purge timer. */
export async function purgeExpiredNonces(db: Db): Promise<number> {
  const rows = await db.execute(sql`delete from ${siweNonces} where ${siweNonces.expiresAt} <= now()`);
  return rows.rowCount ?? 0;
}
