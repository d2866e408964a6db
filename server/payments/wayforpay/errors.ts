// The errors of the WayForPay module: short messages that name what is wrong (never a secret,
// never the signature we expected: an error that reaches a log or a response must not hand out a
// valid signature).

/** Base class of every error this module throws. */
export class WayForPayError extends Error {
  override name = "WayForPayError";
}

/**
 * The callback body is not what WayForPay sends: not JSON, not an object, a field missing or of
 * the wrong type, an amount that is not a whole number of minor units. `field` names the field
 * (null when the body as a whole is wrong).
 */
export class WayForPayPayloadError extends WayForPayError {
  override name = "WayForPayPayloadError";
  readonly field: string | null;
  constructor(field: string | null, problem: string, options?: { cause?: unknown }) {
    super(
      field === null ? `malformed WayForPay callback: ${problem}` : `malformed WayForPay callback: ${field} ${problem}`,
      options,
    );
    this.field = field;
  }
}

/** `merchantSignature` does not match the signed fields under the configured secret key. */
export class WayForPaySignatureError extends WayForPayError {
  override name = "WayForPaySignatureError";
  constructor() {
    super("WayForPay callback signature does not match: not signed with the configured secret key, or altered");
  }
}

/** The callback is for another merchant account than the configured one. */
export class WayForPayMerchantError extends WayForPayError {
  override name = "WayForPayMerchantError";
  readonly merchantAccount: string;
  constructor(merchantAccount: string) {
    super(`WayForPay callback is for merchant account ${JSON.stringify(merchantAccount)}, not the configured one`);
    this.merchantAccount = merchantAccount;
  }
}

/** A purchase request that cannot be built: bad amount, currency, line items or settings. */
export class WayForPayCheckoutError extends WayForPayError {
  override name = "WayForPayCheckoutError";
}
