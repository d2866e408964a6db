// POST /api/webhooks/stripe: verify the raw body against Stripe-Signature, store, act. Stripe
// retries anything but a 2xx for days, so an authentic event that cannot be used is stored for
// review and acknowledged; only a delivery that is not provably Stripe's gets a 400.
import type { Context } from "hono";
import type { AppDeps } from "../../deps.ts";
import type { AppEnv } from "../../http/context.ts";
import { ApiError } from "../../http/errors.ts";
import { type PaymentProcessor, recordRejected } from "../process/process.ts";
import { stripeSettings } from "../providers.ts";
import { StripePayloadError, StripeSignatureError } from "./errors.ts";
import { toPaymentEvent } from "./events.ts";
import { verifyStripeWebhook } from "./verify.ts";

export async function stripeWebhook(deps: AppDeps, payments: PaymentProcessor, c: Context<AppEnv>): Promise<Response> {
  const settings = stripeSettings(deps.config);
  const payload = await c.req.text();
  const invalid = async (error: StripePayloadError, providerEventId: string | null) => {
    await recordRejected(deps, {
      provider: "stripe",
      payload,
      signatureValid: true,
      providerEventId,
      outcome: "invalid_payload",
      detail: error.message,
    });
    return c.json({ received: true, outcome: "invalid_payload", message: error.message }, 200);
  };

  let verified: ReturnType<typeof verifyStripeWebhook>;
  try {
    verified = verifyStripeWebhook({
      rawBody: payload,
      signatureHeader: c.req.header("stripe-signature"),
      secret: settings.webhookSecret,
      toleranceSeconds: settings.toleranceSeconds,
    });
  } catch (error) {
    if (error instanceof StripeSignatureError) {
      await recordRejected(deps, {
        provider: "stripe",
        payload,
        signatureValid: false,
        outcome: "bad_signature",
        detail: `${error.reason}: ${error.message}`,
      });
      throw new ApiError(400, "invalid_signature", error.message, { reason: error.reason });
    }
    if (error instanceof StripePayloadError) return invalid(error, null);
    throw error;
  }
  let event: ReturnType<typeof toPaymentEvent>;
  try {
    event = toPaymentEvent(verified);
  } catch (error) {
    if (error instanceof StripePayloadError)
      return invalid(error, typeof verified.id === "string" ? verified.id : null);
    throw error;
  }
  const result = await payments.process({
    event,
    payload,
    paymentId: event.stripe.paymentIntentId,
    chargeId: event.stripe.chargeId,
    refundedTotalMinor: event.stripe.amountRefundedTotalMinor,
  });
  return c.json({ received: true, duplicate: result.duplicate, outcome: result.outcome }, 200);
}
