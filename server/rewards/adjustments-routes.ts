// The netting made visible: refunds that lowered rewards, clawbacks a referrer owes, and the
// offsets that recovered them from later rewards.
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import { requireAdmin } from "../auth/require-admin.ts";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import { rewardAdjustmentKinds, rewardAdjustments, wallets } from "../db/schema.ts";
import type { AppDeps } from "../deps.ts";
import { adminErrors, commonErrors, createRouter, errorResponse, ListLimit } from "../http/openapi.ts";
import { Address } from "../orders/schemas.ts";

const Adjustment = z
  .object({
    id: z.number().int(),
    kind: z.enum(rewardAdjustmentKinds),
    rewardId: z.uuid(),
    orderReference: z.string().openapi({ description: "The order whose refund caused it" }),
    clawbackId: z.number().int().nullable().openapi({ description: "offset rows: the clawback recovered" }),
    tokenAmount: z.string().nullable(),
    rewardMinor: z.number().int(),
    currency: z.string(),
    outstanding: z.string().nullable().openapi({ description: "clawback rows: still owed (wei)" }),
    token: z.string(),
    chainId: z.number().int(),
    reason: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("RewardAdjustment");

const Owed = z.object({ token: z.string(), chainId: z.number().int(), outstanding: z.string() });
const AdjustmentList = z.object({ adjustments: z.array(Adjustment), owed: z.array(Owed) }).openapi("RewardAdjustments");

const Query = z.object({
  kind: z.enum(rewardAdjustmentKinds).optional(),
  limit: ListLimit,
});

type AdjustmentRow = typeof rewardAdjustments.$inferSelect;
const adjustmentJson = (row: AdjustmentRow): z.infer<typeof Adjustment> => {
  const { referrerUserId: _referrer, paymentTransactionId: _delivery, createdAt, ...rest } = row;
  return { ...rest, createdAt: createdAt.toISOString() };
};

export function adjustmentRoutes(deps: AppDeps) {
  const router = createRouter();

  async function list(filter: SQL | undefined, kind: AdjustmentRow["kind"] | undefined, limit: number) {
    const where = and(filter, kind ? eq(rewardAdjustments.kind, kind) : undefined);
    const [rows, owed] = await Promise.all([
      deps.db.select().from(rewardAdjustments).where(where).orderBy(desc(rewardAdjustments.id)).limit(limit),
      deps.db
        .select({
          token: rewardAdjustments.token,
          chainId: rewardAdjustments.chainId,
          outstanding: sql<string>`sum(${rewardAdjustments.outstanding})::text`,
        })
        .from(rewardAdjustments)
        .where(and(filter, eq(rewardAdjustments.kind, "clawback"), gt(rewardAdjustments.outstanding, "0")))
        .groupBy(rewardAdjustments.token, rewardAdjustments.chainId),
    ]);
    return { adjustments: rows.map(adjustmentJson), owed };
  }

  router.openapi(
    createRoute({
      method: "get",
      path: "/rewards/adjustments",
      tags: ["rewards"],
      summary: "Your refunds, clawbacks and offsets, newest first, and what you still owe",
      middleware: [requireSession(deps.db)] as const,
      request: { query: Query },
      responses: {
        200: { content: { "application/json": { schema: AdjustmentList } }, description: "Adjustments" },
        ...commonErrors,
        401: errorResponse("Not signed in"),
      },
    }),
    async (c) => {
      const { kind, limit } = c.req.valid("query");
      return c.json(await list(eq(rewardAdjustments.referrerUserId, sessionOf(c).userId), kind, limit), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/reward-adjustments",
      tags: ["rewards", "admin"],
      summary: "Refunds, clawbacks and offsets, filtered by referrer wallet or reward",
      middleware: [requireAdmin(deps)] as const,
      request: {
        query: Query.extend({ referrer: Address.optional(), rewardId: z.uuid().optional() }),
      },
      responses: {
        200: { content: { "application/json": { schema: AdjustmentList } }, description: "Adjustments" },
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const { kind, limit, referrer, rewardId } = c.req.valid("query");
      const filters = [
        rewardId ? eq(rewardAdjustments.rewardId, rewardId) : undefined,
        referrer
          ? sql`${rewardAdjustments.referrerUserId} = (select ${wallets.userId} from ${wallets} where ${wallets.address} = ${referrer})`
          : undefined,
      ];
      return c.json(await list(and(...filters), kind, limit), 200);
    },
  );

  return router;
}
