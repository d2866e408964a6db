import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../auth/require-admin.ts";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import { findOrCreateUserByWallet } from "../auth/users.ts";
import type { AppDeps } from "../deps.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { adminErrors, commonErrors, createRouter, errorResponse } from "../http/openapi.ts";
import { Address as AddressSchema, Currency, MinorUnits } from "../orders/schemas.ts";
import { creditOf, grantCredit, userExists } from "./service.ts";

const Balance = z.object({ currency: z.string(), balanceMinor: z.number().int() });
const Entry = z.object({
  id: z.number().int(),
  currency: z.string(),
  amountMinor: z.number().int(),
  kind: z.enum(["grant", "order_payment"]),
  orderReference: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

const GrantBody = z
  .object({
    userId: z.uuid().optional(),
    wallet: AddressSchema.optional().openapi({ description: "Grant to the user owning this wallet (created if new)" }),
    currency: Currency,
    amountMinor: MinorUnits,
    note: z.string().max(500).optional(),
  })
  .strict()
  .openapi("CreditGrant");

export function creditRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/credit",
      tags: ["credit"],
      summary: "My credit balances and the latest ledger entries",
      middleware: [requireSession(db)] as const,
      responses: {
        200: {
          content: {
            "application/json": { schema: z.object({ balances: z.array(Balance), entries: z.array(Entry) }) },
          },
          description: "Balances per currency",
        },
        401: errorResponse("Not signed in"),
      },
    }),
    async (c) => {
      const { balances, entries } = await creditOf(db, sessionOf(c).userId);
      return c.json(
        {
          balances,
          entries: entries.map((entry) => ({
            id: entry.id,
            currency: entry.currency,
            amountMinor: entry.amountMinor,
            kind: entry.kind,
            orderReference: entry.orderReference,
            note: entry.note,
            createdAt: entry.createdAt.toISOString(),
          })),
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/admin/credit/grants",
      tags: ["credit", "admin"],
      summary: "Grant credit to a user (admin)",
      middleware: [requireAdmin(deps)] as const,
      request: { body: { content: { "application/json": { schema: GrantBody } }, required: true } },
      responses: {
        201: {
          content: {
            "application/json": {
              schema: z.object({ userId: z.uuid(), currency: z.string(), balanceMinor: z.number().int() }),
            },
          },
          description: "Granted; the new balance",
        },
        ...commonErrors,
        ...adminErrors,
        404: errorResponse("Unknown user"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      if ((body.userId === undefined) === (body.wallet === undefined)) {
        throw badRequest("recipient_required", "give exactly one of userId or wallet");
      }
      let userId = body.userId;
      if (body.wallet) userId = (await findOrCreateUserByWallet(db, body.wallet)).userId;
      else if (!(await userExists(db, userId!))) throw notFound("user_not_found", `no user ${userId}`);
      const balanceMinor = await grantCredit(db, {
        userId: userId!,
        currency: body.currency,
        amountMinor: body.amountMinor,
        actor: `admin:${sessionOf(c).wallet}`,
        note: body.note,
      });
      return c.json({ userId: userId!, currency: body.currency, balanceMinor }, 201);
    },
  );

  return router;
}
