import { eq } from "drizzle-orm";
import type { Address } from "viem";
import type { Db } from "../db/client.ts";
import { refcodes } from "../db/schema.ts";

export interface RefcodeRecord {
  id: string;
  code: string;
  userId: string;
  wallet: Address;
  active: boolean;
}

/** Codes are case-insensitive: every lookup goes through this key. */
export const codeKeyOf = (code: string) => code.trim().toLowerCase();

/** A syntactically possible code; anything else is unknown without a query. */
export const CODE_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$/;

export async function findRefcode(db: Db, code: string): Promise<RefcodeRecord | undefined> {
  if (!CODE_SHAPE.test(code.trim())) return undefined;
  const [row] = await db
    .select({
      id: refcodes.id,
      code: refcodes.code,
      userId: refcodes.userId,
      wallet: refcodes.wallet,
      active: refcodes.active,
    })
    .from(refcodes)
    .where(eq(refcodes.codeKey, codeKeyOf(code)));
  return row ? { ...row, wallet: row.wallet as Address } : undefined;
}
