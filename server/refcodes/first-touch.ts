// First-touch capture: a page request with ?ref=CODE (or a /r/CODE share link) sets the ring_ref
// cookie, but only when no cookie is set yet and the code is active. The first touch wins for the
// cookie's lifetime.
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { ServerConfig } from "../config.ts";
import type { AppEnv } from "../http/context.ts";
import { cookieOptions } from "../http/cookies.ts";
import { CODE_SHAPE, type RefcodeRecord } from "./lookup.ts";

export const REF_COOKIE = "ring_ref";

/** The code a page request names: ?ref=CODE, else /r/CODE (with or without a trailing slash). */
export function refOf(path: string, query: string | undefined): string | undefined {
  if (query !== undefined) return query;
  const share = /^\/r\/([^/]+)\/?$/.exec(path);
  return share?.[1];
}

export function firstTouch(
  config: ServerConfig,
  resolve: (code: string) => Promise<RefcodeRecord | undefined>,
): MiddlewareHandler<AppEnv> {
  // REF_COOKIE_DAYS is at most 400, the most browsers keep (and Hono allows).
  const options = cookieOptions(config, { path: "/", maxAgeSeconds: config.refCookieMaxAgeSeconds });
  return async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    // Hono decodes both the query and the path; a malformed escape leaves the raw text, which no code matches.
    const ref = refOf(c.req.path, c.req.query("ref"))?.trim();
    // Text that cannot be a code is not looked up: it would only fill the lookup cache.
    if (ref && CODE_SHAPE.test(ref) && !getCookie(c, REF_COOKIE)) {
      const code = await resolve(ref);
      if (code?.active) {
        setCookie(c, REF_COOKIE, code.code, options);
      }
    }
    await next();
  };
}
