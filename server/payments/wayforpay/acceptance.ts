// The answer to a serviceUrl callback. Until the merchant answers with this signed acceptance,
// WayForPay keeps redelivering the callback. Followed: https://wiki.wayforpay.com/en/view/852102
// (Purchase: the merchant's response to serviceUrl, signed over `orderReference;status;time`).

import { hmacMd5 } from "./signature.ts";

export interface WayForPayAcceptance {
  /** The callback's orderReference, exactly as it was sent. */
  orderReference: string;
  status: "accept";
  /** Unix seconds. */
  time: number;
  /** HMAC-MD5 (hex) of `orderReference;accept;time` under the merchant's SecretKey. */
  signature: string;
}

/**
 * The signed acceptance of the callback for `orderReference`, to send back as the JSON body of
 * the 200 response. `now` (default: the current time) is floored to whole seconds.
 */
export function buildAcceptance(
  orderReference: string,
  secretKey: string,
  now: Date = new Date(),
): WayForPayAcceptance {
  const time = Math.floor(now.getTime() / 1000);
  if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`acceptance time must be a valid date, got ${now}`);
  const status = "accept";
  return { orderReference, status, time, signature: hmacMd5(secretKey, [orderReference, status, String(time)]) };
}
