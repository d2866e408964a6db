// POST /api/dev/simulate/wayforpay: the demo store's payment provider on the local network. The
// server builds the serviceUrl callback WayForPay would send for the caller's order, signs it with
// the local test key and POSTs it over HTTP to its own /api/webhooks/wayforpay, so the payment
// goes through exactly the path a real one takes (verification, payment ledger, order paid, reward).
// Refused unless the network is local and the WayForPay key is the local test one.
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import { LOCAL_PAYMENT_CREDENTIALS, type ServerConfig } from "../config.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError, forbidden, notFound } from "../http/errors.ts";
import { commonErrors, createRouter, errorResponse } from "../http/openapi.ts";
import { Order, OrderReference } from "../orders/schemas.ts";
import { findOrder, orderJson } from "../orders/service.ts";
import { buildAcceptance } from "../payments/wayforpay/acceptance.ts";
import { SIMULATED_STATUSES, simulatedCallback } from "./wayforpay-callback.ts";

const WEBHOOK_PATH = "/api/webhooks/wayforpay";
const WEBHOOK_TIMEOUT_MS = 15_000;

/** The same condition as GET /api/app-config's `simulatePayments`. */
export function simulationAllowed(config: ServerConfig): boolean {
  return config.network === "local" && config.wayforpay?.secretKey === LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey;
}

const SimulateBody = z
  .object({
    orderReference: OrderReference,
    transactionStatus: z
      .enum(SIMULATED_STATUSES)
      .default("Approved")
      .openapi({ description: "The payment's outcome as WayForPay reports it" }),
  })
  .strict()
  .openapi("SimulateWayForPay");

const SimulateResult = z
  .object({
    webhook: z.object({
      url: z.string(),
      status: z.number().int(),
      acceptanceValid: z.boolean().openapi({ description: "The webhook answered with a correctly signed accept" }),
    }),
    order: Order,
  })
  .openapi("SimulatedPayment");

function onlyLocal(config: ServerConfig): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    if (!simulationAllowed(config)) {
      throw forbidden(
        "payment simulation runs only on the local network with the local test WayForPay key; " +
          "real payments arrive from WayForPay itself",
      );
    }
    await next();
  };
}

/**
 * This server's own webhook URL: the address and port the request arrived on (never the Host
 * header, which the caller chooses); the configured public URL when there is no socket.
 */
function ownWebhookUrl(c: Context<AppEnv>, config: ServerConfig): string {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  const address = socket?.localAddress?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  if (!socket?.localPort || !address) return new URL(WEBHOOK_PATH, config.publicUrl).href;
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return `http://${host}:${socket.localPort}${WEBHOOK_PATH}`;
}

export function simulateRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "post",
      path: "/dev/simulate/wayforpay",
      tags: ["payments", "dev"],
      summary: "Local network only: post a correctly signed WayForPay callback for one of my orders to the webhook",
      middleware: [onlyLocal(config), requireSession(db)] as const,
      request: { body: { content: { "application/json": { schema: SimulateBody } }, required: true } },
      responses: {
        200: {
          content: { "application/json": { schema: SimulateResult } },
          description: "The webhook accepted the callback; the order as it is now",
        },
        ...commonErrors,
        401: errorResponse("Not signed in"),
        403: errorResponse("Not the local network with the local test WayForPay key"),
        404: errorResponse("No such order of yours"),
        502: errorResponse("The webhook refused the callback or could not be reached; the message says why"),
      },
    }),
    async (c) => {
      const { orderReference, transactionStatus } = c.req.valid("json");
      const session = sessionOf(c);
      const order = await findOrder(db, orderReference);
      if (!order || (order.buyerUserId !== session.userId && !(await deps.isAdmin(session.wallet)))) {
        throw notFound("order_not_found", `no order ${orderReference} of yours`);
      }
      const credentials = config.wayforpay!;
      const body = simulatedCallback(credentials, {
        orderReference: order.orderReference,
        amountMinor: order.amountMinor,
        currency: order.currency,
        transactionStatus,
        createdAt: order.createdAt,
      });

      const url = ownWebhookUrl(c, config);
      let response: Response;
      try {
        // WayForPay labels the JSON text form-encoded; the webhook reads the raw body either way.
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
      } catch (error) {
        throw new ApiError(
          502,
          "webhook_unreachable",
          `the webhook ${url} could not be reached: ${(error as Error).message}`,
        );
      }
      const answer = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (response.status !== 200) {
        const message = typeof answer?.message === "string" ? answer.message : response.statusText;
        throw new ApiError(502, "webhook_refused", `the webhook answered ${response.status}: ${message}`);
      }
      const time = typeof answer?.time === "number" ? answer.time : Number.NaN;
      const acceptanceValid =
        Number.isSafeInteger(time) &&
        time >= 0 &&
        answer?.orderReference === order.orderReference &&
        answer.signature ===
          buildAcceptance(order.orderReference, credentials.secretKey, new Date(time * 1000)).signature;

      c.get("logger").info({ orderReference, transactionStatus, acceptanceValid }, "simulated a WayForPay callback");
      const now = await findOrder(db, orderReference);
      return c.json({ webhook: { url, status: response.status, acceptanceValid }, order: orderJson(now!) }, 200);
    },
  );

  return router;
}
