// Cross-site request forgery: a state-changing request carrying the user's cookies must come from
// this app's own pages. The session cookie is SameSite=Lax, so other sites' POSTs arrive without it
// already; this check also covers what SameSite does not: sibling origins of the same site (a
// compromised subdomain) and forged sign-ins (a foreign page signing the visitor into the
// attacker's account, which needs no cookie at all).
//
// hono/csrf is not used: it checks form content types only and knows none of the exemptions below.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../auth/sessions.ts";
import type { ServerConfig } from "../config.ts";
import type { AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** WayForPay sends the buyer's browser back here with a POST from its own page; the route only
 *  redirects to the store, it changes nothing. */
const WAYFORPAY_RETURN = /^\/api\/orders\/[^/]+\/checkout\/wayforpay\/return$/;

/** Requests that prove themselves by other means than cookies, or that other sites send by design. */
function exempt(c: Context<AppEnv>): boolean {
  // API keys and the cron secret: a browser never attaches an Authorization header on its own,
  // and a page of another origin cannot set one without a CORS preflight this server refuses.
  if (c.req.header("authorization") !== undefined) return true;
  const path = c.req.path;
  // Payment providers sign their webhooks (HMAC, Stripe-Signature); the signature is the check.
  if (path.startsWith("/api/webhooks/")) return true;
  return WAYFORPAY_RETURN.test(path);
}

export const csrfRejected = (message: string) => new ApiError(403, "csrf_rejected", message);

/**
 * Refuses (403 `csrf_rejected`) an unsafe request unless it is exempt or it comes from a trusted
 * origin: `Sec-Fetch-Site: same-origin`, or an Origin equal to PUBLIC_URL's, to one of
 * CORS_ORIGINS, or to the origin the request was addressed to (its Host). A request with neither
 * header is not from a browser (browsers send Origin on every POST); it passes only without the
 * session cookie, having no ambient authority to abuse.
 */
export function csrfProtection(config: Pick<ServerConfig, "publicUrl" | "corsOrigins">): MiddlewareHandler<AppEnv> {
  const trusted = new Set([config.publicUrl.origin, ...config.corsOrigins]);
  const sameHost = (origin: string, c: Context<AppEnv>) =>
    URL.canParse(origin) && new URL(origin).host === c.req.header("host");
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || exempt(c)) return next();
    const site = c.req.header("sec-fetch-site");
    if (site === "same-origin") return next();
    const origin = c.req.header("origin");
    if (origin !== undefined) {
      if (trusted.has(origin) || sameHost(origin, c)) return next();
      throw csrfRejected(`refused a ${c.req.method} from the origin ${origin.slice(0, 200)}: not this app's`);
    }
    if (site !== undefined) throw csrfRejected(`refused a ${c.req.method} from another site (Sec-Fetch-Site: ${site})`);
    if (getCookie(c, SESSION_COOKIE) !== undefined) {
      throw csrfRejected(`a signed-in ${c.req.method} must say where it comes from: send the Origin header`);
    }
    return next();
  };
}
