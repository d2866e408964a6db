import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq } from "drizzle-orm";
import { requireAdmin } from "../../auth/require-admin.ts";
import { sessionOf } from "../../auth/sessions.ts";
import { rewardTasks, rewardTaskStates } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { conflict } from "../../http/errors.ts";
import { adminErrors, commonErrors, createRouter, errorResponse, ListLimit } from "../../http/openapi.ts";
import type { RewardSweep } from "./service.ts";
import { rejectRewardTask, type RewardTaskRow } from "./tasks.ts";

const RewardTask = z
  .object({
    orderReference: z.string(),
    state: z.enum(rewardTaskStates),
    reason: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
  })
  .openapi("RewardTask");

const taskJson = (task: RewardTaskRow) => ({
  ...task,
  nextAttemptAt: task.nextAttemptAt.toISOString(),
  createdAt: task.createdAt.toISOString(),
  resolvedAt: task.resolvedAt?.toISOString() ?? null,
});

const SweepSummary = z
  .object({
    attempted: z.number().int(),
    created: z.number().int(),
    noReward: z.number().int(),
    failed: z.number().int(),
  })
  .openapi("RewardSweep");

export function rewardTaskRoutes(deps: AppDeps, sweep: RewardSweep) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/reward-tasks",
      tags: ["rewards", "admin"],
      summary: "Paid orders' reward tasks: pending ones failed at least once and are retried by the sweep",
      middleware: [requireAdmin(deps)] as const,
      request: {
        query: z.object({
          state: z.enum(rewardTaskStates).optional(),
          orderReference: z.string().min(1).max(200).optional(),
          limit: ListLimit,
        }),
      },
      responses: {
        200: {
          content: { "application/json": { schema: z.object({ tasks: z.array(RewardTask) }) } },
          description: "Newest first",
        },
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const { state, orderReference, limit } = c.req.valid("query");
      const tasks = await deps.db
        .select()
        .from(rewardTasks)
        .where(
          and(
            state ? eq(rewardTasks.state, state) : undefined,
            orderReference ? eq(rewardTasks.orderReference, orderReference) : undefined,
          ),
        )
        .orderBy(desc(rewardTasks.createdAt))
        .limit(limit);
      return c.json({ tasks: tasks.map(taskJson) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/admin/reward-tasks/sweep",
      tags: ["rewards", "admin"],
      summary: "Retry every due pending reward task now",
      middleware: [requireAdmin(deps)] as const,
      responses: {
        200: { content: { "application/json": { schema: SweepSummary } }, description: "What the sweep did" },
        ...adminErrors,
      },
    }),
    async (c) => c.json(await sweep.run(), 200),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/admin/reward-tasks/{orderReference}/reject",
      tags: ["rewards", "admin"],
      summary: "Close a pending reward task: the order gets no reward, for the given reason",
      middleware: [requireAdmin(deps)] as const,
      request: {
        params: z.object({ orderReference: z.string().min(1).max(200) }),
        body: {
          content: { "application/json": { schema: z.object({ reason: z.string().trim().min(3).max(500) }) } },
          required: true,
        },
      },
      responses: {
        200: { content: { "application/json": { schema: RewardTask } }, description: "The rejected task" },
        ...commonErrors,
        ...adminErrors,
        409: errorResponse("No pending task for this order (already resolved, or none)"),
      },
    }),
    async (c) => {
      const { orderReference } = c.req.valid("param");
      const { reason } = c.req.valid("json");
      const task = await rejectRewardTask(deps.db, {
        orderReference,
        reason,
        actor: `admin:${sessionOf(c).wallet}`,
      });
      if (!task) throw conflict("task_not_pending", `order ${orderReference} has no pending reward task`);
      return c.json(taskJson(task), 200);
    },
  );

  return router;
}
