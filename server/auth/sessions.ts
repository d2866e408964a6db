import { and, eq, gt, lte } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Address } from "viem";
import { isLocalOrigin, type ServerConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { sessions } from "../db/schema.ts";
import type { AppEnv, SessionInfo } from "../http/context.ts";
import { unauthorized } from "../http/errors.ts";
import { randomToken, sha256, throttled } from "./tokens.ts";

export const SESSION_COOKIE = "ring_session";

/** Expired sessions are deleted now and then as new ones start. */
const purgeNowAndThen = throttled((db: Db) => db.delete(sessions).where(lte(sessions.expiresAt, new Date())), 60_000);

/** The cookie's attributes: not readable by scripts, not sent on cross-site subrequests, and
 *  HTTPS-only unless the app runs on a loopback host. */
function cookieOptions(config: ServerConfig) {
  return { httpOnly: true, sameSite: "Lax", secure: !isLocalOrigin(config.publicUrl), path: "/" } as const;
}

/** Creates a server-side session and sets its cookie; the previous one, if any, is deleted (rotation). */
export async function startSession(
  c: Context<AppEnv>,
  db: Db,
  config: ServerConfig,
  user: { userId: string; wallet: Address },
): Promise<void> {
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await db.delete(sessions).where(eq(sessions.tokenHash, sha256(previous)));
  await purgeNowAndThen(db);
  const token = randomToken();
  await db.insert(sessions).values({
    tokenHash: sha256(token),
    userId: user.userId,
    wallet: user.wallet,
    expiresAt: new Date(Date.now() + config.sessionTtlSeconds * 1000),
  });
  setCookie(c, SESSION_COOKIE, token, { ...cookieOptions(config), maxAge: config.sessionTtlSeconds });
  c.set("session", { userId: user.userId, wallet: user.wallet, tokenHash: sha256(token) });
}

/** Deletes the cookie's session server-side (live or expired) and clears the cookie. */
export async function endSession(c: Context<AppEnv>, db: Db, config: ServerConfig): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
  if (token !== undefined) deleteCookie(c, SESSION_COOKIE, cookieOptions(config));
  c.set("session", undefined);
}

/** The request's live session, looked up once per request. */
export async function loadSession(c: Context<AppEnv>, db: Db): Promise<SessionInfo | undefined> {
  const cached = c.get("session");
  if (cached) return cached;
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 128) return undefined;
  const tokenHash = sha256(token);
  const [row] = await db
    .select({ userId: sessions.userId, wallet: sessions.wallet })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())));
  if (!row) return undefined;
  const session = { userId: row.userId, wallet: row.wallet as Address, tokenHash };
  c.set("session", session);
  return session;
}

export function requireSession(db: Db): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!(await loadSession(c, db))) throw unauthorized();
    await next();
  };
}

/** The session of a route behind requireSession. */
export function sessionOf(c: Context<AppEnv>): SessionInfo {
  const session = c.get("session");
  if (!session) throw unauthorized();
  return session;
}
