import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Db } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { randomToken, sha256 } from "./tokens.ts";

const API_KEY_PREFIX = "rk_";
/** A possible key: the prefix and base64url text (createApiKey makes 43 characters of it). */
const API_KEY_SHAPE = new RegExp(`^${API_KEY_PREFIX}[\\w-]{20,100}$`);

/** How stale api_keys.last_used_at may be. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Creates a key for a host platform. The plaintext is returned once and never stored. */
export async function createApiKey(db: Db, name: string): Promise<{ id: string; key: string; prefix: string }> {
  const key = `${API_KEY_PREFIX}${randomToken(32)}`;
  const prefix = key.slice(0, 10);
  const [row] = await db
    .insert(apiKeys)
    .values({ name, keyHash: sha256(key), prefix })
    .returning({ id: apiKeys.id });
  return { id: row!.id, key, prefix };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Revokes a live key; false when no live key has this id (including ids that are no UUID). */
export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export function listApiKeys(db: Db) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .orderBy(apiKeys.createdAt);
}

/** Host API authentication: `Authorization: Bearer <key>`, matched by hash. */
export function requireApiKey(db: Db): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // The scheme is case-insensitive (RFC 9110 §11.1); the key itself is not.
    const [scheme, key, ...rest] = (c.req.header("authorization") ?? "").trim().split(/ +/);
    const valid = scheme?.toLowerCase() === "bearer" && rest.length === 0 && API_KEY_SHAPE.test(key ?? "");
    if (!valid) {
      throw new ApiError(
        401,
        "api_key_required",
        `send the host API key as \`Authorization: Bearer ${API_KEY_PREFIX}...\``,
      );
    }
    const [row] = await db
      .select({ id: apiKeys.id, name: apiKeys.name, lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, sha256(key!)), isNull(apiKeys.revokedAt)));
    if (!row) throw new ApiError(401, "api_key_invalid", "the API key is unknown or revoked");
    // last_used_at to the minute: a write on every request would serialise a host's concurrent
    // calls on this one row's lock.
    const now = new Date();
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (!row.lastUsedAt || row.lastUsedAt < stale) {
      await db
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
    }
    c.set("apiKey", { id: row.id, name: row.name });
    await next();
  };
}
