// The payment ledger for admins: every delivery, and the ones flagged for review (amount
// mismatches, unknown orders, double payments, authentic events that could not be used).
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq } from "drizzle-orm";
import { requireAdmin } from "../auth/require-admin.ts";
import { paymentOutcomes, paymentTransactions } from "../db/schema.ts";
import type { AppDeps } from "../deps.ts";
import { adminErrors, commonErrors, createRouter, ListLimit } from "../http/openapi.ts";
import { paymentEventKinds, paymentProviders } from "./event.ts";

const PaymentTransaction = z
  .object({
    id: z.number().int(),
    provider: z.enum(paymentProviders),
    providerEventId: z.string().nullable(),
    kind: z.enum(paymentEventKinds).nullable(),
    providerStatus: z.string().nullable(),
    orderReference: z.string().nullable(),
    amountMinor: z.number().int().nullable(),
    currency: z.string().nullable(),
    paymentId: z.string().nullable(),
    chargeId: z.string().nullable(),
    payload: z.string().openapi({ description: "The body exactly as received" }),
    signatureValid: z.boolean(),
    receivedAt: z.iso.datetime(),
    processedAt: z.iso.datetime().nullable().openapi({ description: "Null while a refund waits for its order" }),
    outcome: z.enum(paymentOutcomes),
    detail: z.string().nullable(),
    needsReview: z.boolean(),
  })
  .openapi("PaymentTransaction");

const booleanQuery = z.enum(["true", "false"]).transform((value) => value === "true");

export function paymentAdminRoutes(deps: AppDeps) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/payment-transactions",
      tags: ["payments", "admin"],
      summary: "Webhook deliveries, newest first; `needsReview=true` lists what a person must look at",
      middleware: [requireAdmin(deps)] as const,
      request: {
        query: z.object({
          needsReview: booleanQuery.optional(),
          orderReference: z.string().min(1).max(200).optional(),
          provider: z.enum(paymentProviders).optional(),
          outcome: z.enum(paymentOutcomes).optional(),
          limit: ListLimit,
        }),
      },
      responses: {
        200: {
          content: { "application/json": { schema: z.object({ transactions: z.array(PaymentTransaction) }) } },
          description: "Deliveries",
        },
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const rows = await deps.db
        .select()
        .from(paymentTransactions)
        .where(
          and(
            query.needsReview === undefined ? undefined : eq(paymentTransactions.needsReview, query.needsReview),
            query.orderReference ? eq(paymentTransactions.orderReference, query.orderReference) : undefined,
            query.provider ? eq(paymentTransactions.provider, query.provider) : undefined,
            query.outcome ? eq(paymentTransactions.outcome, query.outcome) : undefined,
          ),
        )
        .orderBy(desc(paymentTransactions.id))
        .limit(query.limit);
      return c.json(
        {
          transactions: rows.map((row) => ({
            ...row,
            receivedAt: row.receivedAt.toISOString(),
            processedAt: row.processedAt?.toISOString() ?? null,
          })),
        },
        200,
      );
    },
  );
  return router;
}
