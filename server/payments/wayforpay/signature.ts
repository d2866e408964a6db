// WayForPay's "SimpleSignature": HMAC-MD5 keyed with the merchant's secret key over the UTF-8
// string of the signed fields joined with ";", as lower-case hex. Every request and answer of the
// protocol uses it, each with its own list of fields (see callback.ts, acceptance.ts, checkout.ts).
// Source: https://wiki.wayforpay.com/en/view/852102 (Purchase) and /view/852117 (Check Status).

import { createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-MD5 (lower-case hex) of `fields.join(";")` in UTF-8, keyed with `secretKey`. */
export function hmacMd5(secretKey: string, fields: readonly string[]): string {
  return createHmac("md5", secretKey).update(fields.join(";"), "utf8").digest("hex");
}

const HEX_MD5 = /^[0-9a-f]{32}$/;

/**
 * True when `signature` (hex, any case) is the HMAC-MD5 of one of `candidates` (each a list of
 * fields). Compared in constant time on equal-length buffers; every candidate is computed and
 * compared, so the time does not tell which one (if any) matched.
 */
export function verifyHmacMd5(
  secretKey: string,
  candidates: readonly (readonly string[])[],
  signature: string,
): boolean {
  const given = signature.toLowerCase();
  // The shape is public (32 hex digits), so rejecting another shape early leaks nothing.
  if (!HEX_MD5.test(given)) return false;
  const givenBytes = Buffer.from(given, "ascii");
  let match = false;
  for (const fields of candidates) {
    const expected = Buffer.from(hmacMd5(secretKey, fields), "ascii");
    if (expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)) match = true;
  }
  return match;
}
