import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { type DestinationStream, pino, type Logger } from "pino";
import type { ServerConfig } from "../config.ts";
import type { AppEnv } from "./context.ts";

/** Fields that hold credentials wherever they appear in a logged object (two levels deep). */
const REDACTED_FIELDS = ["authorization", "cookie", "set-cookie", "signature", "privateKey", "secretKey", "password"];
const REDACT_PATHS = REDACTED_FIELDS.flatMap((field) => [
  `["${field}"]`,
  `*["${field}"]`,
  `*.headers["${field}"]`,
  `*.*.headers["${field}"]`,
]);

/** The configured credentials, as they could appear in a log line: the minter's key, the
 *  providers' and the cron's secrets, the database password, and what looks like a key in the RPC
 *  URL (a long path segment or query value, as Infura's and Alchemy's URLs carry). */
export function configuredSecrets(config: ServerConfig): string[] {
  const secrets: (string | undefined)[] = [
    config.minter.privateKey,
    config.minter.privateKey?.slice(2),
    config.cronSecret,
    config.wayforpay?.secretKey,
    config.stripe?.webhookSecret,
  ];
  for (const raw of [config.databaseUrl, config.rpcUrl]) {
    if (!raw || !URL.canParse(raw)) continue;
    const url = new URL(raw);
    secrets.push(url.password, safelyDecoded(url.password));
    if (raw === config.rpcUrl) {
      secrets.push(...url.pathname.split("/"), ...url.searchParams.values(), url.username);
    }
  }
  return [...new Set(secrets.filter((secret): secret is string => !!secret && secret.length >= 8))];
}

const safelyDecoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** Replaces every occurrence of `secrets` in a serialized line: a credential quoted inside an
 *  error message (a driver's connection string, an RPC URL) has no field to redact. */
export function scrubber(secrets: readonly string[]): (line: string) => string {
  // Longest first, so a secret containing another is replaced whole.
  // Each also as it reads inside a JSON string (a quote or backslash escaped).
  const forms = secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  const ordered = [...new Set(forms)].sort((a, b) => b.length - a.length);
  return (line) => {
    let scrubbed = line;
    for (const secret of ordered) {
      if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, "[redacted]");
    }
    return scrubbed;
  };
}

/** The server's logger: JSON lines on stdout (or `destination`), credentials redacted by field
 *  and, given the config, by value. */
export function createLogger(level: string, config?: ServerConfig, destination?: DestinationStream): Logger {
  const scrub = scrubber(config ? configuredSecrets(config) : []);
  const options = {
    level,
    base: { service: "refcodes-server" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    hooks: { streamWrite: scrub },
  };
  return destination ? pino(options, destination) : pino(options);
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
