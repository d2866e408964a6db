// The signature hosts check on every event: `Refcodes-Signature: t=<unix seconds>,v1=<hex>`, where
// v1 = HMAC-SHA256(secret, "<t>.<raw body>"). Signing the timestamp with the body lets a host
// refuse replays older than its tolerance; several v1 values may appear while a secret rotates.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Refcodes-Signature";
const SECRET_PREFIX = "whsec_";

export class HostEventSignatureError extends Error {
  override name = "HostEventSignatureError";
}

/** A new endpoint secret: 32 random bytes, base64url, with a recognisable prefix. */
export const newEndpointSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

/** The header value for `body` signed at `timestamp` (unix seconds). */
export function signHostEvent(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export interface VerifyOptions {
  /** Oldest accepted signature age, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The current unix time in seconds (default: now). */
  now?: number;
}

/**
 * Checks a received event as a host would: the raw body exactly as received, the header, the
 * endpoint's secret. Throws HostEventSignatureError naming what is wrong; returns the timestamp.
 */
export function verifyHostEvent(
  secret: string,
  header: string | null | undefined,
  body: string,
  options: VerifyOptions = {},
) {
  if (!header) throw new HostEventSignatureError(`missing ${SIGNATURE_HEADER} header`);
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  const signatures = parts.filter(([key]) => key === "v1").map(([, value]) => value ?? "");
  if (!Number.isSafeInteger(timestamp) || signatures.length === 0)
    throw new HostEventSignatureError(`malformed ${SIGNATURE_HEADER} header`);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300))
    throw new HostEventSignatureError("signature timestamp outside the tolerance");
  const expected = Buffer.from(hmac(secret, timestamp, body), "hex");
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new HostEventSignatureError("signature does not match");
  return timestamp;
}
