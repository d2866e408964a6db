import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";

/**
 * Hono's bodyLimit, without its cost on the common path: it reads `c.req.raw.body`, which makes
 * @hono/node-server build a full web Request and stream for every request (a third of a
 * beacon's CPU). A declared Content-Length is checked from the header (Node's parser never
 * reads past it); a request with neither Content-Length nor Transfer-Encoding has no body; only
 * chunked bodies go through Hono's counting reader.
 */
export function bodyLimit(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }) {
  const counting = honoBodyLimit(options);
  const middleware: MiddlewareHandler = async (c, next) => {
    if (c.req.header("transfer-encoding") !== undefined) return counting(c, next);
    const length = c.req.header("content-length");
    if (length !== undefined && Number(length) > options.maxSize) return options.onError(c);
    return next();
  };
  return middleware;
}
