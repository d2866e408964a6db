// Who is asking and what they may see. Every analytics query runs over a scope: all codes (an
// admin without filters) or a list of code ids. A referrer's scope is always within their own
// codes; asking for someone else's code or wallet is refused with an error naming it, and the
// error is the same whether that code exists or not (no probing for codes).
import { eq, type SQL, sql } from "drizzle-orm";
import { GraphQLError } from "graphql";
import { type Address, getAddress } from "viem";
import type { Db } from "../db/client.ts";
import { refcodes, wallets } from "../db/schema.ts";
import { badInput } from "./range.ts";

export interface Viewer {
  userId: string;
  wallet: Address;
  admin: boolean;
}

/** `codeIds` undefined: every code, plus what no code owns (unknown-code orders, unledgered payouts). */
export interface Scope {
  codeIds: string[] | undefined;
}

export const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: "FORBIDDEN" } });
const notFound = (message: string) => new GraphQLError(message, { extensions: { code: "NOT_FOUND" } });

export function requireAdmin(viewer: Viewer, what: string): void {
  if (!viewer.admin) throw forbidden(`${what} is for admins only; ${viewer.wallet} is not an admin wallet`);
}

const CODE_MAX_LENGTH = 64;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

async function codeNamed(db: Db, code: string) {
  if (code.length === 0 || code.length > CODE_MAX_LENGTH) {
    throw badInput(`code: expected 1 to ${CODE_MAX_LENGTH} characters, got ${code.length}`);
  }
  const [row] = await db
    .select({ id: refcodes.id, userId: refcodes.userId, code: refcodes.code })
    .from(refcodes)
    .where(eq(refcodes.codeKey, code.toLowerCase()));
  return row;
}

async function ownerOfWallet(db: Db, referrer: string): Promise<{ wallet: Address; userId: string | undefined }> {
  if (!ADDRESS.test(referrer))
    throw badInput(`referrer: expected a 0x-prefixed 20-byte wallet address, got "${referrer}"`);
  const wallet = getAddress(referrer);
  // wallets.address is stored checksummed: the primary key answers.
  const [row] = await db.select({ userId: wallets.userId }).from(wallets).where(eq(wallets.address, wallet));
  return { wallet, userId: row?.userId };
}

async function codesOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db.select({ id: refcodes.id }).from(refcodes).where(eq(refcodes.userId, userId));
  return rows.map((row) => row.id);
}

/** The scope of a query with the optional `code` and `referrer` filters, or an error naming why not. */
export async function resolveScope(
  db: Db,
  viewer: Viewer,
  filters: { code?: string | null | undefined; referrer?: string | null | undefined },
): Promise<Scope> {
  const code = filters.code == null ? undefined : await codeNamed(db, filters.code);
  const owner = filters.referrer == null ? undefined : await ownerOfWallet(db, filters.referrer);

  if (!viewer.admin) {
    if (filters.code != null && code?.userId !== viewer.userId) {
      throw forbidden(`code "${filters.code}" is not one of your codes`);
    }
    if (owner && owner.userId !== viewer.userId) {
      throw forbidden(`referrer ${owner.wallet} is not one of your wallets; you may only see your own data`);
    }
  } else {
    if (filters.code != null && !code) throw notFound(`no code "${filters.code}"`);
    if (owner && !owner.userId) throw notFound(`no account has the wallet ${owner.wallet}`);
  }
  if (code && owner && code.userId !== owner.userId) {
    throw badInput(`code "${code.code}" does not belong to referrer ${owner.wallet}`);
  }

  if (code) return { codeIds: [code.id] };
  if (owner) return { codeIds: await codesOfUser(db, owner.userId!) };
  return viewer.admin ? { codeIds: undefined } : { codeIds: await codesOfUser(db, viewer.userId) };
}

/** `column = any(codes)`, or true for the unrestricted scope. */
export function inScope(scope: Scope, column: SQL): SQL {
  // One array parameter (sql.param), not a list drizzle would spread into many.
  return scope.codeIds === undefined ? sql`true` : sql`${column} = any(${sql.param(scope.codeIds)}::uuid[])`;
}
