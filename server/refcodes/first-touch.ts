// First-touch capture: a page request with ?ref=CODE sets the ring_ref cookie, but only when no
// cookie is set yet and the code is active. The first touch wins for the cookie's lifetime.
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { isLocalOrigin, type ServerConfig } from "../config.ts";
import type { AppEnv } from "../http/context.ts";
import type { RefcodeRecord } from "./lookup.ts";

export const REF_COOKIE = "ring_ref";

export function firstTouch(
  config: ServerConfig,
  resolve: (code: string) => Promise<RefcodeRecord | undefined>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Hono decodes both the query and the path; a malformed escape leaves the raw text, which no code matches.
    const ref = c.req.query("ref") ?? (c.req.path.startsWith("/r/") ? c.req.path.slice(3) : undefined);
    if (ref && (c.req.method === "GET" || c.req.method === "HEAD") && !getCookie(c, REF_COOKIE)) {
      const code = await resolve(ref);
      if (code?.active) {
        setCookie(c, REF_COOKIE, code.code, {
          httpOnly: true,
          sameSite: "Lax",
          secure: !isLocalOrigin(config.publicUrl),
          path: "/",
          maxAge: config.refCookieMaxAgeSeconds,
        });
      }
    }
    await next();
  };
}
