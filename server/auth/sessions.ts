import { and, eq, gt, lte } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Address } from "viem";
import type { ServerConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { sessions } from "../db/schema.ts";
import type { AppEnv, SessionInfo } from "../http/context.ts";
import { cookieOptions } from "../http/cookies.ts";
import { unauthorized } from "../http/errors.ts";
import { randomToken, sha256 } from "./tokens.ts";

export const SESSION_COOKIE = "ring_session";

/** Creates a server-side session and sets its cookie; the previous one, if any, is deleted (rotation). */
export async function startSession(
  c: Context<AppEnv>,
  db: Db,
  config: ServerConfig,
  user: { userId: string; wallet: Address },
): Promise<void> {
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await db.delete(sessions).where(eq(sessions.tokenHash, sha256(previous)));
  const token = randomToken();
  const tokenHash = sha256(token);
  await db.insert(sessions).values({
    tokenHash,
    userId: user.userId,
    wallet: user.wallet,
    expiresAt: new Date(Date.now() + config.sessionTtlSeconds * 1000),
  });
  setCookie(c, SESSION_COOKIE, token, cookieOptions(config, { path: "/", maxAgeSeconds: config.sessionTtlSeconds }));
  c.set("session", { userId: user.userId, wallet: user.wallet });
}

/** Deletes the cookie's session server-side (live or expired) and clears the cookie. */
export async function endSession(c: Context<AppEnv>, db: Db, config: ServerConfig): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
  if (token !== undefined) deleteCookie(c, SESSION_COOKIE, cookieOptions(config, { path: "/" }));
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
  const session = { userId: row.userId, wallet: row.wallet as Address };
  c.set("session", session);
  return session;
}

export function requireSession(db: Db): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!(await loadSession(c, db))) throw unauthorized();
    await next();
  };
}

/** Deletes the sessions past their expiry (loadSession never accepts them); run by the purge timer. */
export async function purgeExpiredSessions(db: Db): Promise<number> {
  const result = await db.delete(sessions).where(lte(sessions.expiresAt, new Date()));
  return result.rowCount ?? 0;
}

/** The session of a route behind requireSession. */
export function sessionOf(c: Context<AppEnv>): SessionInfo {
  const session = c.get("session");
  if (!session) throw unauthorized();
  return session;
}
