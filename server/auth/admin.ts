import type { Address } from "viem";
import { type ChainContext, hasAdminRole, isChainUnreachable } from "../chain.ts";
import { ApiError } from "../http/errors.ts";

/** Cached answers kept at most; beyond it the expired ones are dropped, then the oldest. */
const MAX_CACHED_WALLETS = 10_000;

/**
 * Admin = listed in ADMIN_WALLETS, or holding DEFAULT_ADMIN_ROLE on the contract. The on-chain
 * answer is cached for `cacheSeconds` (0: never cached), so a grant or a revocation takes effect
 * within that period. Concurrent checks of one wallet share one RPC call. An unreachable chain
 * is a 503 `chain_unavailable`, never a silent "not admin" that would look like a revocation.
 */
export function createAdminCheck(
  chain: ChainContext,
  listed: Address[],
  cacheSeconds: number,
  now: () => number = Date.now,
) {
  const configured = new Set(listed.map((wallet) => wallet.toLowerCase()));
  const cache = new Map<string, { admin: boolean; until: number }>();
  const pending = new Map<string, Promise<boolean>>();

  function remember(key: string, admin: boolean, at: number) {
    if (cacheSeconds <= 0) return;
    if (cache.size >= MAX_CACHED_WALLETS) {
      for (const [wallet, entry] of cache) if (entry.until <= at) cache.delete(wallet);
      if (cache.size >= MAX_CACHED_WALLETS) cache.delete(cache.keys().next().value!);
    }
    cache.delete(key); // re-insert: Map order is then oldest-first
    cache.set(key, { admin, until: at + cacheSeconds * 1000 });
  }

  async function lookup(key: string, wallet: Address): Promise<boolean> {
    const asked = now();
    try {
      const admin = await hasAdminRole(chain, wallet);
      remember(key, admin, asked);
      return admin;
    } catch (error) {
      if (isChainUnreachable(error)) {
        throw new ApiError(503, "chain_unavailable", "cannot reach the chain to check the admin role; try again");
      }
      throw error;
    }
  }

  return async function isAdmin(wallet: Address): Promise<boolean> {
    const key = wallet.toLowerCase();
    if (configured.has(key)) return true;
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.admin;
    let inFlight = pending.get(key);
    if (!inFlight) {
      inFlight = lookup(key, wallet).finally(() => pending.delete(key));
      pending.set(key, inFlight);
    }
    return inFlight;
  };
}

export type AdminCheck = ReturnType<typeof createAdminCheck>;
