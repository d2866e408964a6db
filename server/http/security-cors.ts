// Cross-origin reads of the API. The app is served from PUBLIC_URL's origin and needs no CORS;
// host platforms call the API from their servers, where CORS does not apply. So by default no
// origin is granted anything: a page elsewhere can neither read an answer nor send a preflighted
// request (JSON bodies, Authorization). CORS_ORIGINS names origins (e.g. an app deployed on its own
// host) that may, with the user's cookies; the CSRF check trusts them alike.
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { ServerConfig } from "../config.ts";
import type { AppEnv } from "./context.ts";

const API_PATHS = /^\/(api|graphql)(\/|$)/;

/** The CORS middleware, or undefined when no origin is granted (nothing to do on any request). */
export function corsPolicy(config: Pick<ServerConfig, "corsOrigins">): MiddlewareHandler<AppEnv> | undefined {
  if (config.corsOrigins.length === 0) return undefined;
  const granted = cors({
    origin: config.corsOrigins,
    credentials: true,
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: ["Content-Type", "Authorization", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id", "Retry-After"],
    maxAge: 600,
  });
  return (c, next) => (API_PATHS.test(c.req.path) ? granted(c, next) : next());
}
