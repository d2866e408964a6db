// The registry's database operations. Every write that can change how many codes a user has
// active runs in a transaction holding the user's row lock, so the cap holds under races; code
// uniqueness is left to the unique index on code_key (INSERT ... ON CONFLICT DO NOTHING).
import { and, count, desc, eq } from "drizzle-orm";
import type { Address } from "viem";
import { walletsOf } from "../auth/users.ts";
import type { Db, Tx } from "../db/client.ts";
import { refcodes, users } from "../db/schema.ts";
import { ApiError, conflict, forbidden, notFound } from "../http/errors.ts";
import { generateCode, type RandomInt } from "./generate.ts";
import { CODE_SHAPE, codeKeyOf } from "./lookup.ts";

export const MAX_ACTIVE_CODES = 20;
/** Draws of a generated code before giving up; with 30^8 codes a second draw is already rare. */
export const GENERATE_ATTEMPTS = 5;

export type RefcodeRow = typeof refcodes.$inferSelect;
export interface RegistryOptions {
  /** The random source of generated codes (tests inject a deterministic one). */
  random?: RandomInt;
  maxActive?: number;
  attempts?: number;
}

async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
}

async function assertBelowCap(tx: Tx, userId: string, maxActive: number): Promise<void> {
  const [row] = await tx
    .select({ active: count() })
    .from(refcodes)
    .where(and(eq(refcodes.userId, userId), eq(refcodes.active, true)));
  if ((row?.active ?? 0) >= maxActive)
    throw conflict(
      "code_limit_reached",
      `you have ${maxActive} active codes, the most allowed; deactivate one before adding another`,
    );
}

/** Creates a code for one of the user's linked wallets: `vanity` as given (already validated with
 *  checkVanity), or a generated one. Throws 403 for a wallet not linked to the user, 409 for a
 *  taken vanity code or a full quota. */
export async function createRefcode(
  db: Db,
  input: { userId: string; wallet: Address; vanity?: string | undefined },
  options: RegistryOptions = {},
): Promise<RefcodeRow> {
  const { maxActive = MAX_ACTIVE_CODES, attempts = GENERATE_ATTEMPTS } = options;
  const linked = await walletsOf(db, input.userId);
  if (!linked.includes(input.wallet))
    throw forbidden(`${input.wallet} is not linked to your account; link it with POST /api/auth/link first`);

  return db.transaction(async (tx) => {
    await lockUser(tx, input.userId);
    await assertBelowCap(tx, input.userId, maxActive);
    const insert = (code: string, kind: "generated" | "vanity") =>
      tx
        .insert(refcodes)
        .values({ code, codeKey: codeKeyOf(code), userId: input.userId, wallet: input.wallet, kind })
        .onConflictDoNothing({ target: refcodes.codeKey })
        .returning();

    if (input.vanity !== undefined) {
      const [row] = await insert(input.vanity, "vanity");
      if (!row)
        throw conflict(
          "code_taken",
          `"${input.vanity}" is already taken (codes are case-insensitive, so any spelling of it counts); choose another`,
        );
      return row;
    }
    for (let attempt = 0; attempt < attempts; attempt++) {
      const [row] = await insert(generateCode(options.random), "generated");
      if (row) return row;
    }
    throw new ApiError(503, "code_generation_failed", `no free code after ${attempts} attempts; try again`);
  });
}

/** The user's codes over all their wallets, newest first. */
export async function listRefcodes(db: Db, userId: string): Promise<RefcodeRow[]> {
  return db
    .select()
    .from(refcodes)
    .where(eq(refcodes.userId, userId))
    .orderBy(desc(refcodes.createdAt), desc(refcodes.id));
}

/** Deactivates or reactivates one of the user's codes; idempotent. A code that does not exist or
 *  belongs to someone else is a 404 either way, so the answer does not tell them apart. */
export async function setRefcodeActive(
  db: Db,
  input: { userId: string; code: string; active: boolean },
  options: Pick<RegistryOptions, "maxActive"> = {},
): Promise<RefcodeRow> {
  const missing = () => notFound("code_not_found", `you have no code "${input.code}"`);
  if (!CODE_SHAPE.test(input.code.trim())) throw missing();
  return db.transaction(async (tx) => {
    await lockUser(tx, input.userId);
    const [row] = await tx
      .select()
      .from(refcodes)
      .where(and(eq(refcodes.codeKey, codeKeyOf(input.code)), eq(refcodes.userId, input.userId)));
    if (!row) throw missing();
    if (row.active === input.active) return row;
    if (input.active) await assertBelowCap(tx, input.userId, options.maxActive ?? MAX_ACTIVE_CODES);
    const [updated] = await tx
      .update(refcodes)
      .set(input.active ? { active: true, deactivatedAt: null } : { active: false, deactivatedAt: new Date() })
      .where(eq(refcodes.id, row.id))
      .returning();
    return updated!;
  });
}
