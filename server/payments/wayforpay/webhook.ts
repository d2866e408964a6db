// POST /api/webhooks/wayforpay: the serviceUrl callback. Verify, store, act, then answer with the
// signed acceptance (until it gets one, WayForPay keeps redelivering).
import type { Context } from "hono";
import type { AppDeps } from "../../deps.ts";
import type { AppEnv } from "../../http/context.ts";
import { ApiError } from "../../http/errors.ts";
import { type PaymentProcessor, recordRejected } from "../process/process.ts";
import { wayforpaySettings } from "../providers.ts";
import { buildAcceptance } from "./acceptance.ts";
import { parseCallback } from "./callback.ts";
import { WayForPayMerchantError, WayForPayPayloadError, WayForPaySignatureError } from "./errors.ts";

export async function wayforpayWebhook(
  deps: AppDeps,
  payments: PaymentProcessor,
  c: Context<AppEnv>,
): Promise<Response> {
  const credentials = wayforpaySettings(deps.config);
  const payload = await c.req.text();
  let callback: ReturnType<typeof parseCallback>;
  try {
    callback = parseCallback(payload, credentials);
  } catch (error) {
    const rejected = rejection(error);
    if (!rejected) throw error;
    await recordRejected(deps, { provider: "wayforpay", payload, signatureValid: false, ...rejected.record });
    throw rejected.error;
  }
  await payments.process({ event: callback.event, payload });
  return c.json(buildAcceptance(callback.event.orderReference!, credentials.secretKey), 200);
}

function rejection(error: unknown) {
  if (error instanceof WayForPaySignatureError) {
    return {
      record: { outcome: "bad_signature" as const, detail: error.message },
      error: new ApiError(401, "invalid_signature", error.message),
    };
  }
  if (error instanceof WayForPayMerchantError) {
    return {
      record: { outcome: "wrong_merchant" as const, detail: error.message },
      error: new ApiError(403, "wrong_merchant", error.message),
    };
  }
  if (error instanceof WayForPayPayloadError) {
    return {
      record: { outcome: "invalid_payload" as const, detail: error.message },
      error: new ApiError(400, "invalid_callback", error.message),
    };
  }
  return undefined;
}
