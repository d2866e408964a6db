import type { Address } from "viem";
import { type ChainContext, hasAdminRole } from "../chain.ts";

/** Admin = listed in ADMIN_WALLETS, or holding DEFAULT_ADMIN_ROLE on the contract (cached briefly,
 *  so a revocation takes effect within the cache period). */
export function createAdminCheck(chain: ChainContext, listed: Address[], cacheSeconds: number) {
  const configured = new Set(listed.map((wallet) => wallet.toLowerCase()));
  const cache = new Map<string, { admin: boolean; until: number }>();
  return async function isAdmin(wallet: Address): Promise<boolean> {
    const key = wallet.toLowerCase();
    if (configured.has(key)) return true;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.admin;
    const admin = await hasAdminRole(chain, wallet);
    cache.set(key, { admin, until: Date.now() + cacheSeconds * 1000 });
    return admin;
  };
}

export type AdminCheck = ReturnType<typeof createAdminCheck>;
