import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.ts";
import { createRouter, errorResponse } from "../http/openapi.ts";
import type { PaymentProcessor } from "./process/process.ts";
import { stripeWebhook } from "./stripe/webhook.ts";
import { wayforpayWebhook } from "./wayforpay/webhook.ts";

const rawBody = (description: string) => ({
  content: { "text/plain": { schema: z.string().openapi({ description }) } },
  required: true,
});

export function webhookRoutes(deps: AppDeps, payments: PaymentProcessor) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "post",
      path: "/webhooks/wayforpay",
      tags: ["payments"],
      summary: "WayForPay serviceUrl callback: verified (HMAC-MD5), stored, acted on once",
      request: { body: rawBody("The callback's JSON text, as WayForPay sends it (labelled form-encoded)") },
      responses: {
        200: {
          content: {
            "application/json": {
              schema: z
                .object({
                  orderReference: z.string(),
                  status: z.literal("accept"),
                  time: z.number().int(),
                  signature: z.string(),
                })
                .openapi("WayForPayAcceptance"),
            },
          },
          description: "The signed acceptance (also for a duplicate delivery)",
        },
        400: errorResponse("Malformed callback; stored"),
        401: errorResponse("Signature does not match; stored, nothing else changed"),
        403: errorResponse("Callback for another merchant account; stored"),
        503: errorResponse("WayForPay is not configured"),
      },
    }),
    (c) => wayforpayWebhook(deps, payments, c) as never,
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/webhooks/stripe",
      tags: ["payments"],
      summary: "Stripe webhook: verified (Stripe-Signature, timestamp tolerance), stored, acted on once",
      request: { body: rawBody("The event JSON exactly as Stripe sent it") },
      responses: {
        200: {
          content: {
            "application/json": {
              schema: z
                .object({
                  received: z.literal(true),
                  duplicate: z.boolean().optional(),
                  outcome: z.string().nullable(),
                  message: z.string().optional(),
                })
                .openapi("StripeWebhookAck"),
            },
          },
          description: "Accepted (also duplicates, ignored types and authentic events stored for review)",
        },
        400: errorResponse("Not provably from Stripe: missing or bad signature, or outside the tolerance; stored"),
        503: errorResponse("Stripe is not configured"),
      },
    }),
    (c) => stripeWebhook(deps, payments, c) as never,
  );

  return router;
}
