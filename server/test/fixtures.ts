// Database fixtures for tests of modules that need codes or users without going through the
// routes that create them (those routes have their own tests).
import { randomBytes } from "node:crypto";
import type { Address } from "viem";
import { findOrCreateUserByWallet } from "../auth/users.ts";
import type { Db } from "../db/client.ts";
import { refcodes } from "../db/schema.ts";

/** A code owned by the user of `wallet` (created if new). */
export async function insertCode(db: Db, wallet: Address, options: { code?: string; active?: boolean } = {}) {
  const { userId } = await findOrCreateUserByWallet(db, wallet);
  const code = options.code ?? `T${randomBytes(5).toString("hex").toUpperCase()}`;
  const [row] = await db
    .insert(refcodes)
    .values({ code, codeKey: code.toLowerCase(), userId, wallet, kind: "vanity", active: options.active ?? true })
    .returning();
  return row!;
}
