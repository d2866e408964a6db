// Checkout helpers for fiat payments: what a client needs to send the buyer of a pending order to
// WayForPay (the signed Purchase form) or to Stripe (the Checkout Session params). Nothing here
// calls a provider or changes an order: the payment is recorded by the provider's webhook.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { requireApiKey } from "../auth/api-keys.ts";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError, badRequest, conflict, notFound } from "../http/errors.ts";
import { commonErrors, createRouter, errorResponse, type Router } from "../http/openapi.ts";
import { type LineItem, OrderReference } from "../orders/schemas.ts";
import { findOrder } from "../orders/service.ts";
import type { OrderRow } from "../rewards/hook.ts";
import { stripeSettings, wayforpaySettings } from "./providers.ts";
import { checkoutSessionParams } from "./stripe/checkout.ts";
import { StripeCheckoutError } from "./stripe/errors.ts";
import { buildPurchaseRequest, purchaseFormEntries } from "./wayforpay/checkout.ts";
import { WayForPayCheckoutError } from "./wayforpay/errors.ts";

/** The payment page languages WayForPay documents for Purchase (https://wiki.wayforpay.com/en/view/852102). */
const WAYFORPAY_LANGUAGES = ["AUTO", "UA", "EN", "RU", "DE", "ES", "IT", "PL", "FR", "RO", "LV", "SK", "CS"] as const;

const Params = z.object({ orderReference: OrderReference });
const HttpUrl = z.url({ protocol: /^https?$/ }).max(2000);

const WayForPayBody = z
  .object({
    language: z.enum(WAYFORPAY_LANGUAGES).optional().openapi({ description: "Payment page language (default UA)" }),
    returnUrl: HttpUrl.optional().openapi({
      description: "Where WayForPay sends the buyer back, with a POST (default: a route that redirects to /store)",
    }),
  })
  .strict();

const StripeBody = z
  .object({
    successUrl: HttpUrl.optional().openapi({ description: "May contain {CHECKOUT_SESSION_ID}" }),
    cancelUrl: HttpUrl.optional(),
  })
  .strict();

const Strings = z.array(z.string());
const WayForPayPurchase = z
  .object({
    url: z.string().openapi({ description: "Where the form is POSTed" }),
    fields: z.object({
      merchantAccount: z.string(),
      merchantAuthType: z.literal("SimpleSignature"),
      merchantDomainName: z.string(),
      merchantTransactionSecureType: z.literal("AUTO"),
      merchantSignature: z.string(),
      orderReference: z.string(),
      orderDate: z.string().openapi({ description: "Unix seconds" }),
      amount: z.string().openapi({ description: "A decimal, e.g. 1547.36", example: "49.99" }),
      currency: z.string(),
      productName: Strings,
      productPrice: Strings,
      productCount: Strings,
      returnUrl: z.string().optional(),
      serviceUrl: z.string().optional(),
      language: z.string().optional(),
    }),
    formEntries: z.array(z.tuple([z.string(), z.string()])).openapi({ description: "The form's inputs, in order" }),
  })
  .openapi("WayForPayPurchase");

const StripeCheckout = z
  .object({
    params: z
      .record(z.string(), z.unknown())
      .openapi({ description: "stripe.checkout.sessions.create params: mode payment, amounts in Stripe's units" }),
  })
  .openapi("StripeCheckout");

/** Who calls: a signed-in buyer (`/api/orders/...`) or a host platform (`/api/v1/orders/...`). */
interface Audience {
  prefix: "" | "/v1";
  tags: string[];
  security?: { apiKey: string[] }[];
  guard: MiddlewareHandler<AppEnv>;
  unauthorized: string;
  /** Whether the caller may check out this order (a buyer: only their own). */
  owns(c: Context<AppEnv>, order: OrderRow): boolean;
  /** Whether given URLs may leave the public origin (a host sends buyers back to its own site). */
  anyOrigin: boolean;
}

export function checkoutRoutes(deps: AppDeps) {
  const router = createRouter();
  addRoutes(router, deps, {
    prefix: "",
    tags: ["payments"],
    guard: requireSession(deps.db),
    unauthorized: "Not signed in",
    owns: (c, order) => order.buyerUserId === sessionOf(c).userId,
    anyOrigin: false,
  });
  addRoutes(router, deps, {
    prefix: "/v1",
    tags: ["host API"],
    security: [{ apiKey: [] }],
    guard: requireApiKey(deps.db),
    unauthorized: "Missing, unknown or revoked API key",
    owns: () => true, // as GET /api/v1/orders/{ref}: a host key reads any order
    anyOrigin: true,
  });

  // WayForPay POSTs the buyer's browser to returnUrl, and the app's pages answer GET only.
  router.openapi(
    createRoute({
      method: "post",
      path: "/orders/{orderReference}/checkout/wayforpay/return",
      tags: ["payments"],
      summary: "WayForPay's default returnUrl: sends the buyer on to the order in the store",
      request: { params: Params },
      responses: { 303: { description: "To /store?order=<orderReference>&checkout=wayforpay" }, ...commonErrors },
    }),
    (c) => c.redirect(storeUrl(deps, c.req.valid("param").orderReference, { checkout: "wayforpay" }), 303),
  );
  return router;
}

function addRoutes(router: Router, deps: AppDeps, audience: Audience) {
  const { tags, security } = audience;
  const responses = (what: string) => ({
    ...commonErrors,
    401: errorResponse(audience.unauthorized),
    404: errorResponse(audience.anyOrigin ? "No such order" : "No such order of yours"),
    409: errorResponse("The order is not pending (already paid, cancelled or refunded)"),
    422: errorResponse(`The order cannot be made into ${what}; the message says why`),
    503: errorResponse("The provider is not configured"),
  });

  router.openapi(
    createRoute({
      method: "post",
      path: `${audience.prefix}/orders/{orderReference}/checkout/wayforpay`,
      tags,
      ...(security ? { security } : {}),
      summary: "The signed WayForPay Purchase form for a pending order, to POST from the buyer's browser",
      middleware: [audience.guard] as const,
      request: {
        params: Params,
        body: { content: { "application/json": { schema: WayForPayBody } }, required: false },
      },
      responses: {
        200: { content: { "application/json": { schema: WayForPayPurchase } }, description: "The form" },
        ...responses("a WayForPay Purchase request"),
      },
    }),
    async (c) => {
      const settings = wayforpaySettings(deps.config);
      const body = c.req.valid("json");
      const order = await payableOrder(deps, audience, c, c.req.valid("param").orderReference);
      const ref = order.orderReference;
      const { url, fields } = buildable(() =>
        buildPurchaseRequest(
          {
            merchantAccount: settings.merchantAccount,
            secretKey: settings.secretKey,
            merchantDomainName: settings.domain,
            serviceUrl: new URL("/api/webhooks/wayforpay", deps.config.publicUrl).href,
            returnUrl:
              givenUrl(deps, audience, "returnUrl", body.returnUrl) ??
              new URL(`/api/orders/${ref}/checkout/wayforpay/return`, deps.config.publicUrl).href,
            ...(body.language ? { language: body.language } : {}),
          },
          {
            orderReference: ref,
            orderDate: order.createdAt,
            amountMinor: order.amountMinor,
            currency: order.currency,
            lineItems: order.lineItems as LineItem[],
          },
        ),
      );
      return c.json({ url, fields, formEntries: purchaseFormEntries(fields) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: `${audience.prefix}/orders/{orderReference}/checkout/stripe`,
      tags,
      ...(security ? { security } : {}),
      summary: "The Stripe Checkout Session params for a pending order (the caller creates the session)",
      middleware: [audience.guard] as const,
      request: { params: Params, body: { content: { "application/json": { schema: StripeBody } }, required: false } },
      responses: {
        200: { content: { "application/json": { schema: StripeCheckout } }, description: "The params" },
        ...responses("a Stripe Checkout Session"),
      },
    }),
    async (c) => {
      // Without the webhook secret no payment could be recorded: refuse to start one.
      stripeSettings(deps.config);
      const body = c.req.valid("json");
      const order = await payableOrder(deps, audience, c, c.req.valid("param").orderReference);
      const ref = order.orderReference;
      const successUrl = `${storeUrl(deps, ref, { checkout: "success" })}&session_id={CHECKOUT_SESSION_ID}`;
      const params = buildable(() =>
        checkoutSessionParams(
          {
            orderReference: ref,
            amountMinor: order.amountMinor,
            currency: order.currency,
            lineItems: order.lineItems as LineItem[],
          },
          {
            successUrl: givenUrl(deps, audience, "successUrl", body.successUrl) ?? successUrl,
            cancelUrl:
              givenUrl(deps, audience, "cancelUrl", body.cancelUrl) ?? storeUrl(deps, ref, { checkout: "cancel" }),
          },
        ),
      );
      return c.json({ params }, 200);
    },
  );
}

/** The order, if the caller may check it out and it is pending (the same answers as pay-with-credit). */
async function payableOrder(deps: AppDeps, audience: Audience, c: Context<AppEnv>, ref: string): Promise<OrderRow> {
  const order = await findOrder(deps.db, ref);
  if (!order || !audience.owns(c, order)) {
    throw notFound("order_not_found", audience.anyOrigin ? `no order ${ref}` : `no order ${ref} of yours`);
  }
  if (order.status !== "pending") throw conflict("order_not_payable", `order ${ref} is ${order.status}, not pending`);
  return order;
}

/** A URL from the body: a buyer's must stay on the public origin. */
function givenUrl(deps: AppDeps, audience: Audience, field: string, url: string | undefined): string | undefined {
  const origin = deps.config.publicUrl.origin;
  if (url !== undefined && !audience.anyOrigin && new URL(url).origin !== origin) {
    throw badRequest("invalid_request", `body.${field}: must be on ${origin}`);
  }
  return url;
}

/** The provider's request, or a 422 naming what in the order stops it. */
function buildable<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof WayForPayCheckoutError) {
      const message = `cannot build the WayForPay purchase request: ${error.message}`;
      throw new ApiError(422, "order_not_checkoutable", message);
    }
    if (error instanceof StripeCheckoutError) {
      const message = `cannot build the Stripe Checkout Session: ${error.message}`;
      throw new ApiError(422, "order_not_checkoutable", message, { field: error.field });
    }
    throw error;
  }
}

function storeUrl(deps: AppDeps, orderReference: string, query: Record<string, string>): string {
  const url = new URL("/store", deps.config.publicUrl);
  url.search = new URLSearchParams({ order: orderReference, ...query }).toString();
  return url.href;
}
