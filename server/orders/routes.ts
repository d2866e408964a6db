import { createRoute, z } from "@hono/zod-openapi";
import { getCookie } from "hono/cookie";
import { requireApiKey } from "../auth/api-keys.ts";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import { payWithCredit } from "../credit/service.ts";
import type { AppDeps } from "../deps.ts";
import { notFound } from "../http/errors.ts";
import { commonErrors, createRouter, errorResponse } from "../http/openapi.ts";
import { REF_COOKIE } from "../refcodes/first-touch.ts";
import { CreateHostOrderBody, CreateOrderBody, Order, OrderRefParam } from "./schemas.ts";
import { createOrder, findOrder, hostBuyer, orderJson, ordersOfBuyer } from "./service.ts";

const orderResponse = (description: string) => ({
  content: { "application/json": { schema: Order } },
  description,
});

const createResponses = {
  201: orderResponse("Created, with its attribution decision"),
  200: orderResponse("This orderReference exists already: the first order, unchanged"),
  ...commonErrors,
  409: errorResponse("The orderReference belongs to another buyer's order"),
};

/** Orders of signed-in buyers: `/api/orders...` */
export function orderRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  const tags = ["orders"];

  router.openapi(
    createRoute({
      method: "post",
      path: "/orders",
      tags,
      summary: "Create an order for the signed-in buyer; the referral code comes from the first-touch cookie",
      middleware: [requireSession(db)] as const,
      request: { body: { content: { "application/json": { schema: CreateOrderBody } }, required: true } },
      responses: { ...createResponses, 401: errorResponse("Not signed in") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { order, created } = await createOrder(db, {
        ...body,
        buyerUserId: sessionOf(c).userId,
        source: "app",
        codeText: getCookie(c, REF_COOKIE),
      });
      return c.json(orderJson(order), created ? 201 : 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/orders",
      tags,
      summary: "My orders, newest first",
      middleware: [requireSession(db)] as const,
      responses: {
        200: {
          content: { "application/json": { schema: z.object({ orders: z.array(Order) }) } },
          description: "Orders",
        },
        401: errorResponse("Not signed in"),
      },
    }),
    async (c) => c.json({ orders: (await ordersOfBuyer(db, sessionOf(c).userId)).map(orderJson) }, 200),
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/orders/{ref}",
      tags,
      summary: "One of my orders (admins: any order)",
      middleware: [requireSession(db)] as const,
      request: { params: OrderRefParam },
      responses: {
        200: orderResponse("The order"),
        ...commonErrors,
        401: errorResponse("Not signed in"),
        404: errorResponse("No such order of yours"),
      },
    }),
    async (c) => {
      const session = sessionOf(c);
      const order = await findOrder(db, c.req.valid("param").ref);
      if (!order || (order.buyerUserId !== session.userId && !(await deps.isAdmin(session.wallet)))) {
        throw notFound("order_not_found", `no order ${c.req.valid("param").ref} of yours`);
      }
      return c.json(orderJson(order), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/orders/{ref}/pay-with-credit",
      tags,
      summary: "Pay a pending order from my internal credit: paid at once, rail crypto",
      middleware: [requireSession(db)] as const,
      request: { params: OrderRefParam },
      responses: {
        200: orderResponse("Paid"),
        ...commonErrors,
        401: errorResponse("Not signed in"),
        402: errorResponse("Not enough credit in the order's currency"),
        404: errorResponse("No such order of yours"),
        409: errorResponse("The order is not pending (already paid, cancelled or refunded)"),
      },
    }),
    async (c) => {
      const order = await payWithCredit(db, deps.rewards, c.get("logger"), {
        orderReference: c.req.valid("param").ref,
        userId: sessionOf(c).userId,
      });
      return c.json(orderJson(order), 200);
    },
  );

  return router;
}

/** The host platform API: `/api/v1/...`, authenticated with an API key. */
export function hostRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  const tags = ["host API"];
  const security = [{ apiKey: [] }];
  router.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A host API key (rk_...) created with `npm run apikey -- create <name>`",
  });

  router.openapi(
    createRoute({
      method: "post",
      path: "/orders",
      tags,
      security,
      summary: "Create an order for a host platform's buyer; the code, buyer id and wallets are given",
      middleware: [requireApiKey(db)] as const,
      request: { body: { content: { "application/json": { schema: CreateHostOrderBody } }, required: true } },
      responses: { ...createResponses, 401: errorResponse("Missing, unknown or revoked API key") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const buyerUserId = await hostBuyer(db, body.buyer.id);
      const { order, created } = await createOrder(db, {
        orderReference: body.orderReference,
        kind: body.kind,
        amountMinor: body.amountMinor,
        currency: body.currency,
        lineItems: body.lineItems,
        buyerUserId,
        source: "host",
        codeText: body.referralCode,
        extraBuyerWallets: body.buyer.wallets,
      });
      return c.json(orderJson(order), created ? 201 : 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/orders/{ref}",
      tags,
      security,
      summary: "An order with its status and attribution",
      middleware: [requireApiKey(db)] as const,
      request: { params: OrderRefParam },
      responses: {
        200: orderResponse("The order"),
        ...commonErrors,
        401: errorResponse("Missing, unknown or revoked API key"),
        404: errorResponse("No such order"),
      },
    }),
    async (c) => {
      const order = await findOrder(db, c.req.valid("param").ref);
      if (!order) throw notFound("order_not_found", `no order ${c.req.valid("param").ref}`);
      return c.json(orderJson(order), 200);
    },
  );

  return router;
}
