import { and, eq, isNull } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Db } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { randomToken, sha256 } from "./tokens.ts";

export const API_KEY_PREFIX = "rk_";

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

export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
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

/** Host API authentication: `Authorization: Bearer rk_...`, matched by hash. */
export function requireApiKey(db: Db): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer (rk_[\w-]{20,100})$/.exec(header);
    if (!match) throw new ApiError(401, "api_key_required", "send the host API key as `Authorization: Bearer rk_...`");
    const [row] = await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiKeys.keyHash, sha256(match[1]!)), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, name: apiKeys.name });
    if (!row) throw new ApiError(401, "api_key_invalid", "the API key is unknown or revoked");
    c.set("apiKey", row);
    await next();
  };
}
