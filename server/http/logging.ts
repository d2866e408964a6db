import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { pino, type Logger } from "pino";
import type { AppEnv } from "./context.ts";

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "refcodes-server" } });
}

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** Gives every request an id (the caller's X-Request-Id when sane), a child logger bound to it,
 *  and one access-log line at debug level (info for errors). */
export function requestLogging(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const child = logger.child({ requestId });
    c.set("requestId", requestId);
    c.set("logger", child);
    // Set before the response exists, so c.json/c.body include it as is; setting a header on a
    // finished response makes Hono copy it into a streamed Response (several times slower).
    c.header("X-Request-Id", requestId);
    const start = performance.now();
    await next();
    if (!c.res.headers.has("X-Request-Id")) c.header("X-Request-Id", requestId);
    const status = c.res.status;
    const line = { method: c.req.method, path: c.req.path, status, ms: Math.round(performance.now() - start) };
    if (status >= 500) child.error(line, "request failed");
    else if (status >= 400) child.info(line, "request rejected");
    else child.debug(line, "request");
  };
}
