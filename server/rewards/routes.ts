import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import { requireAdmin } from "../auth/require-admin.ts";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import { deskRates, priceSources, rewards, rewardStates } from "../db/schema.ts";
import type { AppDeps } from "../deps.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { adminErrors, commonErrors, createRouter, errorResponse, ListLimit } from "../http/openapi.ts";
import { Address, Currency } from "../orders/schemas.ts";
import { decideRewards } from "./ledger/approve.ts";
import type { RewardRow } from "./ledger/transition.ts";
import { setDeskRate } from "./prices/desk.ts";
import { setPriceSource } from "./prices/source.ts";

const Reward = z
  .object({
    id: z.uuid(),
    orderReference: z.string(),
    orderRef: z.string().openapi({ description: "keccak256(orderReference), the key of paidOrders on-chain" }),
    kind: z.enum(["store", "membership"]),
    state: z.enum(rewardStates),
    sizing: z.enum(["sized", "pending_price"]),
    sizingError: z.string().nullable(),
    referralCode: z.string().nullable(),
    referrerWallet: z.string(),
    baseAmountMinor: z.number().int(),
    currency: z.string(),
    commissionBps: z.number().int(),
    grossRewardMinor: z.number().int().openapi({ description: "The commission on the whole order, before refunds" }),
    refundedMinor: z.number().int().openapi({ description: "The part of the order refunded or charged back" }),
    rewardMinor: z.number().int().openapi({ description: "The reward after refunds" }),
    price: z
      .object({
        answer: z.string(),
        decimals: z.number().int(),
        source: z.string(),
        round: z.string().nullable(),
        at: z.iso.datetime(),
      })
      .nullable(),
    grossTokenAmount: z.string().nullable().openapi({ description: "The gross reward in wei, as sized" }),
    offsetTokenAmount: z
      .string()
      .openapi({ description: "Open clawbacks of the referrer recovered from this reward before payment (wei)" }),
    tokenAmount: z
      .string()
      .nullable()
      .openapi({ description: "What is (or was) paid on-chain, in wei: the gross after refunds, less offsets" }),
    token: z.string(),
    chainId: z.number().int(),
    rail: z.enum(["fiat", "crypto"]),
    approveAfter: z.iso.datetime().nullable(),
    txHash: z.string().nullable(),
    blockNumber: z.number().int().nullable(),
    mintedAt: z.iso.datetime().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Reward");

const iso = (date: Date | null) => date?.toISOString() ?? null;

function rewardJson(reward: RewardRow): z.infer<typeof Reward> {
  return {
    id: reward.id,
    orderReference: reward.orderReference,
    orderRef: reward.orderRef,
    kind: reward.kind,
    state: reward.state,
    sizing: reward.sizing,
    sizingError: reward.sizingError,
    referralCode: reward.referralCode,
    referrerWallet: reward.referrerWallet,
    baseAmountMinor: reward.baseAmountMinor,
    currency: reward.currency,
    commissionBps: reward.commissionBps,
    grossRewardMinor: reward.grossRewardMinor,
    refundedMinor: reward.refundedMinor,
    rewardMinor: reward.rewardMinor,
    price:
      reward.priceAnswer === null
        ? null
        : {
            answer: reward.priceAnswer,
            decimals: reward.priceDecimals!,
            source: reward.priceSource!,
            round: reward.priceRound,
            at: reward.priceAt!.toISOString(),
          },
    grossTokenAmount: reward.grossTokenAmount,
    offsetTokenAmount: reward.offsetTokenAmount,
    tokenAmount: reward.tokenAmount,
    token: reward.token,
    chainId: reward.chainId,
    rail: reward.rail,
    approveAfter: iso(reward.approveAfter),
    txHash: reward.txHash,
    blockNumber: reward.blockNumber,
    mintedAt: iso(reward.mintedAt),
    lastError: reward.lastError,
    createdAt: reward.createdAt.toISOString(),
  };
}

const RewardList = z.object({ rewards: z.array(Reward) });
const ListQuery = z.object({
  state: z.enum(rewardStates).optional(),
  sizing: z.enum(["sized", "pending_price"]).optional(),
  referrer: Address.optional().openapi({ description: "Referrer wallet" }),
  limit: ListLimit,
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const Ids = z.object({
  ids: z.array(z.uuid()).min(1).max(1000),
  reason: z.string().trim().min(3).max(500).optional(),
});
const RejectBody = z.object({
  ids: z.array(z.uuid()).min(1).max(1000),
  reason: z.string().trim().min(3, "a reason of at least 3 characters is required").max(500),
});
const Decision = z.object({ moved: z.array(Reward), unchanged: z.array(z.uuid()) });

export function rewardRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();

  /** The referrer's list and the admin queue: the same query, newest first, with optional filters. */
  function listRewards(filter: {
    state?: RewardRow["state"] | undefined;
    sizing?: RewardRow["sizing"] | undefined;
    referrerUserId?: string;
    referrerWallet?: string | undefined;
    limit: number;
    offset: number;
  }) {
    const where: SQL[] = [];
    if (filter.referrerUserId) where.push(eq(rewards.referrerUserId, filter.referrerUserId));
    if (filter.referrerWallet) where.push(eq(rewards.referrerWallet, filter.referrerWallet));
    if (filter.state) where.push(eq(rewards.state, filter.state));
    if (filter.sizing) where.push(eq(rewards.sizing, filter.sizing));
    return db
      .select()
      .from(rewards)
      .where(and(...where))
      .orderBy(desc(rewards.createdAt))
      .limit(filter.limit)
      .offset(filter.offset);
  }

  router.openapi(
    createRoute({
      method: "get",
      path: "/rewards",
      tags: ["rewards"],
      summary: "My rewards as a referrer, newest first, with states and transactions",
      middleware: [requireSession(db)] as const,
      request: { query: ListQuery.pick({ state: true, limit: true, offset: true }) },
      responses: {
        200: { content: { "application/json": { schema: RewardList } }, description: "Rewards" },
        ...commonErrors,
        401: errorResponse("Not signed in"),
      },
    }),
    async (c) => {
      const rows = await listRewards({ ...c.req.valid("query"), referrerUserId: sessionOf(c).userId });
      return c.json({ rewards: rows.map(rewardJson) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/rewards",
      tags: ["rewards", "admin"],
      summary: "The reward queue, filtered by state, sizing and referrer",
      middleware: [requireAdmin(deps)] as const,
      request: { query: ListQuery },
      responses: {
        200: { content: { "application/json": { schema: RewardList } }, description: "Rewards" },
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const rows = await listRewards({ ...query, referrerWallet: query.referrer });
      return c.json({ rewards: rows.map(rewardJson) }, 200);
    },
  );

  const decisions = [
    {
      path: "/admin/rewards/approve",
      decision: "approved",
      schema: Ids,
      summary: "Approve many pending rewards in one transaction",
      description: "Approved; `unchanged` were not pending",
    },
    {
      path: "/admin/rewards/reject",
      decision: "rejected",
      schema: RejectBody,
      summary: "Reject rewards (a reason is required); minted ones cannot be rejected",
      description: "Rejected; `unchanged` could not be",
    },
  ] as const;
  for (const { path, decision, schema, summary, description } of decisions) {
    router.openapi(
      createRoute({
        method: "post",
        path,
        tags: ["rewards", "admin"],
        summary,
        middleware: [requireAdmin(deps)] as const,
        request: { body: { content: { "application/json": { schema: schema as typeof Ids } }, required: true } },
        responses: {
          200: { content: { "application/json": { schema: Decision } }, description },
          ...commonErrors,
          ...adminErrors,
        },
      }),
      async (c) => {
        const { ids, reason } = c.req.valid("json");
        const actor = `admin:${sessionOf(c).wallet}`;
        const moved = await decideRewards(db, { ids, decision, actor, reason: reason ?? null });
        const movedIds = new Set(moved.map((reward) => reward.id));
        return c.json({ moved: moved.map(rewardJson), unchanged: ids.filter((id) => !movedIds.has(id)) }, 200);
      },
    );
  }

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/rewards/{id}",
      tags: ["rewards", "admin"],
      summary: "One reward",
      middleware: [requireAdmin(deps)] as const,
      request: { params: z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) }) },
      responses: {
        200: { content: { "application/json": { schema: Reward } }, description: "The reward" },
        ...commonErrors,
        ...adminErrors,
        404: errorResponse("No such reward"),
      },
    }),
    async (c) => {
      const [row] = await db
        .select()
        .from(rewards)
        .where(eq(rewards.id, c.req.valid("param").id));
      if (!row) throw notFound("reward_not_found", `no reward ${c.req.valid("param").id}`);
      return c.json(rewardJson(row), 200);
    },
  );

  const PriceSourceBody = z
    .object({
      kind: z.enum(["aggregator", "desk"]),
      feed: Address.optional().openapi({ description: "AggregatorV3 feed (kind aggregator)" }),
      maxAgeSeconds: z.number().int().positive().max(2_147_483_647).optional(),
    })
    .strict();
  const CurrencyParam = z.object({ currency: Currency.openapi({ param: { name: "currency", in: "path" } }) });

  const PriceSource = z
    .object({
      currency: z.string(),
      kind: z.enum(["aggregator", "desk"]),
      feed: z.string().nullable(),
      maxAgeSeconds: z.number().int(),
      updatedBy: z.string(),
      updatedAt: z.iso.datetime(),
    })
    .openapi("PriceSource");
  const DeskRate = z
    .object({
      currency: z.string(),
      answer: z.string().openapi({ description: "The rate is `answer / 10^decimals` currency units per token" }),
      decimals: z.number().int(),
      setBy: z.string(),
      setAt: z.iso.datetime(),
    })
    .openapi("DeskRate");

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/price-sources",
      tags: ["prices", "admin"],
      summary: "Every currency's price source, by currency",
      middleware: [requireAdmin(deps)] as const,
      responses: {
        200: {
          content: { "application/json": { schema: z.object({ priceSources: z.array(PriceSource) }) } },
          description: "Price sources",
        },
        ...adminErrors,
      },
    }),
    async (c) => {
      const rows = await db.select().from(priceSources).orderBy(asc(priceSources.currency));
      return c.json({ priceSources: rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() })) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/desk-rates",
      tags: ["prices", "admin"],
      summary: "Every desk rate, by currency",
      middleware: [requireAdmin(deps)] as const,
      responses: {
        200: {
          content: { "application/json": { schema: z.object({ deskRates: z.array(DeskRate) }) } },
          description: "Desk rates",
        },
        ...adminErrors,
      },
    }),
    async (c) => {
      const rows = await db.select().from(deskRates).orderBy(asc(deskRates.currency));
      return c.json({ deskRates: rows.map((row) => ({ ...row, setAt: row.setAt.toISOString() })) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/admin/price-sources/{currency}",
      tags: ["prices", "admin"],
      summary: "Set where the token price in a currency comes from",
      middleware: [requireAdmin(deps)] as const,
      request: {
        params: CurrencyParam,
        body: { content: { "application/json": { schema: PriceSourceBody } }, required: true },
      },
      responses: {
        200: {
          content: {
            "application/json": {
              schema: z.object({
                currency: z.string(),
                kind: z.string(),
                feed: z.string().nullable(),
                maxAgeSeconds: z.number(),
              }),
            },
          },
          description: "Saved",
        },
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const { currency } = c.req.valid("param");
      const body = c.req.valid("json");
      const updatedBy = `admin:${sessionOf(c).wallet}`;
      if (body.kind === "aggregator" && !body.feed)
        throw badRequest("feed_required", "an aggregator source needs `feed`");
      const row = await setPriceSource(
        db,
        body.kind === "aggregator"
          ? { currency, kind: "aggregator", feed: body.feed!, maxAgeSeconds: body.maxAgeSeconds, updatedBy }
          : { currency, kind: "desk", maxAgeSeconds: body.maxAgeSeconds, updatedBy },
      );
      return c.json({ currency: row.currency, kind: row.kind, feed: row.feed, maxAgeSeconds: row.maxAgeSeconds }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/admin/desk-rates/{currency}",
      tags: ["prices", "admin"],
      summary: "Set the desk rate: `answer / 10^decimals` currency units per token",
      middleware: [requireAdmin(deps)] as const,
      request: {
        params: CurrencyParam,
        body: {
          content: {
            "application/json": {
              schema: z
                .object({
                  answer: z.string().regex(/^[1-9]\d{0,76}$/, "a positive integer as a string"),
                  decimals: z.number().int().min(0).max(36),
                })
                .strict(),
            },
          },
          required: true,
        },
      },
      responses: {
        200: {
          content: {
            "application/json": {
              schema: z.object({ currency: z.string(), answer: z.string(), decimals: z.number() }),
            },
          },
          description: "Saved",
        },
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const { currency } = c.req.valid("param");
      const body = c.req.valid("json");
      await setDeskRate(db, {
        currency,
        answer: BigInt(body.answer),
        decimals: body.decimals,
        setBy: `admin:${sessionOf(c).wallet}`,
      });
      return c.json({ currency, answer: body.answer, decimals: body.decimals }, 200);
    },
  );

  return router;
}
