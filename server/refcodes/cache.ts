// A short-lived cache of code lookups for the hot paths (visit beacon, first-touch capture).
// Changes made through this process invalidate at once; other replicas see them within the TTL.
import type { Db } from "../db/client.ts";
import { CODE_SHAPE, codeKeyOf, findRefcode, type RefcodeRecord } from "./lookup.ts";

export interface RefcodeCache {
  resolve(code: string): Promise<RefcodeRecord | undefined>;
  invalidate(code: string): void;
}

export function createRefcodeCache(db: Db, ttlMs = 10_000, maxEntries = 50_000): RefcodeCache {
  const entries = new Map<string, { record: RefcodeRecord | undefined; until: number }>();
  return {
    async resolve(code) {
      // Text that cannot be a code is unknown without a query, and never fills the cache.
      if (!CODE_SHAPE.test(code.trim())) return undefined;
      const key = codeKeyOf(code);
      const hit = entries.get(key);
      if (hit && hit.until > Date.now()) return hit.record;
      const record = await findRefcode(db, code);
      // Map keeps insertion order: dropping the first key evicts the oldest entry.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { record, until: Date.now() + ttlMs });
      return record;
    },
    invalidate(code) {
      entries.delete(codeKeyOf(code));
    },
  };
}
