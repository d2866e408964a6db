// Typed errors of the Stripe provider module. Messages are short and never include the secret,
// the signature or the body; the stripe package's own error stays reachable as `cause`.

/** Base class of every error this module throws. */
export class StripeProviderError extends Error {
  override name = "StripeProviderError";
}

/** The webhook secret or tolerance is unusable: a deployment problem, not the sender's. */
export class StripeConfigError extends StripeProviderError {
  override name = "StripeConfigError";
}

/**
 * Why a delivery failed verification:
 * - `missing_header`: no Stripe-Signature header;
 * - `malformed_header`: the header has no `t=<unix seconds>` or no `v1=` signature;
 * - `bad_signature`: no `v1` signature matches the raw body and the endpoint's secret (forged,
 *   tampered, re-serialised body, or the wrong secret);
 * - `outside_tolerance`: the signature is valid but older than the tolerance (a replay, or a
 *   delivery held up for longer than the tolerance).
 */
export type StripeSignatureFailure = "missing_header" | "malformed_header" | "bad_signature" | "outside_tolerance";

export class StripeSignatureError extends StripeProviderError {
  override name = "StripeSignatureError";
  readonly reason: StripeSignatureFailure;
  /** The header's `t=` timestamp (unix seconds), when it has one. */
  readonly timestamp: number | null;
  /** For `outside_tolerance`: how old the signature was, in seconds. */
  readonly ageSeconds: number | null;
  constructor(
    reason: StripeSignatureFailure,
    message: string,
    options: { timestamp?: number | null; ageSeconds?: number | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.timestamp = options.timestamp ?? null;
    this.ageSeconds = options.ageSeconds ?? null;
  }
}

/** A verified event whose content cannot be used: names the field (a path such as
 *  `data.object.amount_total`, or `body` for the whole payload). */
export class StripePayloadError extends StripeProviderError {
  override name = "StripePayloadError";
  readonly field: string;
  constructor(field: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${field}: ${problem}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.field = field;
  }
}

/** An order the Checkout helper cannot turn into a Checkout Session request. */
export class StripeCheckoutError extends StripeProviderError {
  override name = "StripeCheckoutError";
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** The line items do not add up to the order's amount. */
export class StripeCheckoutAmountMismatchError extends StripeCheckoutError {
  override name = "StripeCheckoutAmountMismatchError";
  readonly amountMinor: bigint;
  readonly lineItemsTotalMinor: bigint;
  constructor(amountMinor: bigint, lineItemsTotalMinor: bigint) {
    super("lineItems", `add up to ${lineItemsTotalMinor}, but the order amount is ${amountMinor}`);
    this.amountMinor = amountMinor;
    this.lineItemsTotalMinor = lineItemsTotalMinor;
  }
}
