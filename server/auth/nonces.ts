import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
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

/** Deletes the nonce if it exists and is live: true at most once per nonce, whatever the races. */
export async function consumeNonce(db: Db, nonce: string): Promise<boolean> {
  const rows = await db.execute(
    sql`delete from ${siweNonces} where ${siweNonces.nonce} = ${nonce} and ${siweNonces.expiresAt} > now() returning 1`,
  );
  return (rows.rowCount ?? 0) > 0;
}

export async function purgeExpiredNonces(db: Db): Promise<number> {
  const rows = await db.execute(sql`delete from ${siweNonces} where ${siweNonces.expiresAt} <= now()`);
  return rows.rowCount ?? 0;
}
