// Verifying a Stripe webhook delivery with the official package: the raw body exactly as
// received, the Stripe-Signature header (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`)
// and the endpoint's signing secret, with a limit on the signature's age against replays.

import type Stripe from "stripe";
import { StripeSignatureVerificationError, stripeWebhooks } from "./client.ts";
import { StripeConfigError, StripePayloadError, StripeSignatureError } from "./errors.ts";

/** How old a signature may be, in seconds: Stripe's recommended (and the package's) default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyStripeWebhookInput {
  /** The request body exactly as received (bytes or their UTF-8 text), never re-serialised JSON. */
  rawBody: string | Uint8Array;
  /** The Stripe-Signature header. */
  signatureHeader: string | null | undefined;
  /** The endpoint's signing secret (whsec_…). */
  secret: string;
  /** Default 300. A positive integer: 0, which the package reads as "no age check", is refused. */
  toleranceSeconds?: number;
  /** When the delivery arrived (default: now); the signature's age is measured from it. */
  now?: Date;
}

/**
 * The verified Stripe event. Throws StripeSignatureError when the delivery is not provably from
 * Stripe and recent (its `reason` says which check failed), StripePayloadError when a correctly
 * signed body is not a JSON event, StripeConfigError for an unusable secret or tolerance.
 */
export function verifyStripeWebhook(input: VerifyStripeWebhookInput): Stripe.Event {
  const { rawBody, signatureHeader: header, secret } = input;
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  assertSecret(secret);
  assertTolerance(tolerance);

  if (header === null || header === undefined || header.trim() === "") {
    throw new StripeSignatureError("missing_header", "Stripe-Signature header is missing");
  }
  const timestamp = headerTimestamp(header);
  if (timestamp === null || !header.split(",").some((item) => /^v1=./.test(item))) {
    throw new StripeSignatureError("malformed_header", "Stripe-Signature header needs t=<seconds> and a v1 signature");
  }

  const receivedAt = (input.now ?? new Date()).getTime();
  try {
    return stripeWebhooks.constructEvent(rawBody, header, secret, tolerance, undefined, receivedAt);
  } catch (error) {
    if (!(error instanceof StripeSignatureVerificationError)) {
      // The package parses the body only after the signature and the age passed.
      throw new StripePayloadError("body", "correctly signed, but not a JSON Stripe event", { cause: error });
    }
    // The package checks the signature first, then the age, and says which in prose only. The
    // same check with an unbounded age tells them apart without depending on its wording.
    if (signatureMatches(rawBody, header, secret, receivedAt)) {
      const ageSeconds = Math.floor(receivedAt / 1000) - timestamp;
      throw new StripeSignatureError(
        "outside_tolerance",
        `Stripe-Signature is ${ageSeconds} s old, outside the ${tolerance} s tolerance (replayed or delayed)`,
        { timestamp, ageSeconds, cause: error },
      );
    }
    throw new StripeSignatureError("bad_signature", "Stripe-Signature does not match the body and the secret", {
      timestamp,
      cause: error,
    });
  }
}

function signatureMatches(rawBody: string | Uint8Array, header: string, secret: string, receivedAt: number): boolean {
  try {
    stripeWebhooks.constructEvent(rawBody, header, secret, Number.MAX_SAFE_INTEGER, undefined, receivedAt);
    return true;
  } catch (error) {
    return !(error instanceof StripeSignatureVerificationError);
  }
}

/** The header's `t=` element (the last one, as the package reads it), if it is a number. */
function headerTimestamp(header: string): number | null {
  let timestamp: number | null = null;
  for (const item of header.split(",")) {
    const [key, value] = item.split("=");
    if (key === "t") timestamp = value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
  }
  return timestamp;
}

function assertSecret(secret: string): void {
  if (typeof secret !== "string" || secret.trim() === "") {
    throw new StripeConfigError("the Stripe webhook secret is empty");
  }
  if (/\s/.test(secret)) {
    throw new StripeConfigError("the Stripe webhook secret contains whitespace (a stray newline or space?)");
  }
}

function assertTolerance(tolerance: number): void {
  if (!Number.isSafeInteger(tolerance) || tolerance <= 0) {
    throw new StripeConfigError(
      `the Stripe webhook tolerance must be a positive whole number of seconds, got ${tolerance}`,
    );
  }
}
