// Per-client rate limits on the routes anyone can call and that cost the server something: SIWE
// nonces (a row each), sign-in and wallet linking (a signature check, for contract wallets an RPC
// call) and the visit beacon (a write). The counters live in this process's memory: with n replicas
// behind a balancer a client gets up to n times the limit, which is enough to stop floods from one
// address; a shared store would cost a round trip on the beacon's hot path.
import type { MiddlewareHandler } from "hono";
import type { ServerConfig } from "../config.ts";
import { clientAddress } from "../visits/visitor.ts";
import type { AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";

const WINDOW_MS = 60_000;

export interface RateLimiter {
  /** Takes one request of `key` at `now`: 0 when allowed, else the milliseconds until it would be. */
  take(key: string, now?: number): number;
  /** Keys currently tracked (their budget is not full). */
  readonly size: number;
}

/**
 * A token bucket per key holding `perMinute` requests and refilled at that rate, stored as one
 * number per key (GCRA: the time at which the key's bucket is full again). Full buckets are
 * forgotten by a sweep once per window, and past `maxKeys` the oldest key is dropped, so a flood of
 * addresses cannot grow memory without bound (a dropped key starts again with a full bucket).
 */
export function createRateLimiter(perMinute: number, options: { maxKeys?: number } = {}): RateLimiter {
  const maxKeys = options.maxKeys ?? 100_000;
  const msPerRequest = WINDOW_MS / perMinute;
  const fullAt = new Map<string, number>();
  let nextSweep = 0;
  return {
    take(key, now = Date.now()) {
      if (now >= nextSweep) {
        for (const [tracked, time] of fullAt) if (time <= now) fullAt.delete(tracked);
        nextSweep = now + WINDOW_MS;
      }
      const previous = fullAt.get(key);
      const next = Math.max(previous ?? now, now) + msPerRequest;
      if (next - now > WINDOW_MS) return Math.ceil(next - WINDOW_MS - now);
      if (previous === undefined && fullAt.size >= maxKeys) fullAt.delete(fullAt.keys().next().value!);
      fullAt.set(key, next);
      return 0;
    },
    get size() {
      return fullAt.size;
    },
  };
}

/**
 * The key of a client address: IPv4 as is, IPv6 by its /64 network, because one subscriber
 * usually holds a whole /64 and could otherwise take a fresh address for every request.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.split("%")[0]!.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const groups =
    tail === undefined
      ? headGroups
      : [
          ...headGroups,
          ...Array<string>(Math.max(0, 8 - headGroups.length - (tail ? tail.split(":").length : 0))).fill("0"),
          ...(tail ? tail.split(":") : []),
        ];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The limited routes, "METHOD path" → which limit applies. */
function limitedRoutes(limits: ServerConfig["rateLimits"]): Map<string, { name: string; limiter: RateLimiter }> {
  const routes = new Map<string, { name: string; limiter: RateLimiter }>();
  const add = (name: string, perMinute: number, ...routeKeys: string[]) => {
    if (perMinute === 0) return; // off
    const limiter = createRateLimiter(perMinute);
    for (const routeKey of routeKeys) routes.set(routeKey, { name, limiter });
  };
  add("nonce", limits.noncePerMinute, "GET /api/auth/nonce");
  add("sign-in", limits.authPerMinute, "POST /api/auth/verify", "POST /api/auth/link");
  add("beacon", limits.beaconPerMinute, "POST /api/refcodes/track");
  return routes;
}

/** 429 `rate_limited` with Retry-After once a client address has used its budget of a limited route. */
export function rateLimits(config: Pick<ServerConfig, "rateLimits" | "trustProxyHops">): {
  /** The paths to mount `middleware` on. */
  paths: string[];
  middleware: MiddlewareHandler<AppEnv>;
} {
  const routes = limitedRoutes(config.rateLimits);
  const paths = [...new Set([...routes.keys()].map((routeKey) => routeKey.split(" ")[1]!))];
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const route = routes.get(`${c.req.method} ${c.req.path}`);
    if (route) {
      const waitMs = route.limiter.take(clientKey(clientAddress(c, config.trustProxyHops)));
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        c.header("Retry-After", String(seconds));
        throw new ApiError(
          429,
          "rate_limited",
          `too many ${route.name} requests from this address; retry in ${seconds} s`,
        );
      }
    }
    await next();
  };
  return { paths, middleware };
}
