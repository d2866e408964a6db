// The order-paid → reward step as durable work. The task row is inserted in the transaction that
// marks the order paid, so a crash, a database error or a bug in reward creation can delay a
// reward but never lose it: the sweep retries every pending task (with backoff) until the reward
// exists, the ledger says why there is none, or an admin rejects it.
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db, Tx } from "../../db/client.ts";
import { named, runNamed } from "../../db/named.ts";
import { orders, rewardTasks, users } from "../../db/schema.ts";
import type { OrderRow, RewardHook, RewardOutcome } from "../hook.ts";

export type RewardTaskRow = typeof rewardTasks.$inferSelect;

/** How long the inline attempt right after the payment owns a new task before the sweep may. */
export const INLINE_LEASE_MS = 60_000;
/** How long a sweep owns the tasks it picked. */
const SWEEP_LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 3_600_000;

/** Records that these paid orders need their reward decided; call in the transaction that paid them. */
export async function enqueueRewardTasks(
  tx: Tx | Db,
  orderReferences: readonly string[],
  now = new Date(),
): Promise<void> {
  if (orderReferences.length === 0) return;
  const nextAttemptAt = new Date(now.getTime() + INLINE_LEASE_MS);
  await tx
    .insert(rewardTasks)
    .values(orderReferences.map((orderReference) => ({ orderReference, nextAttemptAt })))
    .onConflictDoNothing({ target: rewardTasks.orderReference });
}

export interface RewardTaskDeps {
  db: Db;
  rewards: RewardHook;
  logger: Logger;
}

export type RewardTaskResult =
  | { state: "created"; rewardId: string }
  | { state: "no_reward"; reason: string }
  | { state: "retry"; error: string }
  | { state: "skipped" };

/**
 * Runs the reward hook for one order and records the result on its task. Never throws: an error
 * is recorded (attempts, last error, next attempt after 30 s × 2^(attempts − 1), at most an hour)
 * for the sweep to retry.
 */
export async function runRewardTask(deps: RewardTaskDeps, orderReference: string): Promise<RewardTaskResult> {
  let outcome: RewardOutcome;
  try {
    const [task] = await deps.db.select().from(rewardTasks).where(eq(rewardTasks.orderReference, orderReference));
    if (task?.state !== "pending") return { state: "skipped" };
    const [order] = await deps.db.select().from(orders).where(eq(orders.orderReference, orderReference));
    if (!order) throw new Error(`order ${orderReference} does not exist`);
    if (order.kind === "membership") {
      const [user] = await deps.db.select().from(users).where(eq(users.id, order.buyerUserId));
      outcome = await deps.rewards.onMembershipPaid(user!, order);
    } else {
      outcome = await deps.rewards.onOrderPaid(order);
    }
  } catch (error) {
    const message = rootMessage(error);
    deps.logger.error({ err: error, orderReference }, "reward creation failed; the sweep retries it");
    await deps.db
      .update(rewardTasks)
      .set({
        attempts: sql`${rewardTasks.attempts} + 1`,
        lastError: message.slice(0, 2000),
        nextAttemptAt: sql`now() + least(${MAX_BACKOFF_MS}, 30000 * power(2, ${rewardTasks.attempts})) * interval '1 millisecond'`,
      })
      .where(and(eq(rewardTasks.orderReference, orderReference), eq(rewardTasks.state, "pending")))
      .catch((recordError: unknown) =>
        deps.logger.error({ err: recordError, orderReference }, "could not record the reward failure"),
      );
    return { state: "retry", error: message };
  }
  await resolveTasks(deps.db, [orderReference], [outcome]).catch((error: unknown) =>
    deps.logger.warn({ err: error, orderReference }, "could not resolve the reward task"),
  );
  return "rewardId" in outcome
    ? { state: "created", rewardId: outcome.rewardId }
    : { state: "no_reward", reason: outcome.noReward };
}

/** The message that explains a failure: drizzle wraps the database's error in "Failed query: <sql>
 *  params: <values>", which is long and says nothing about the cause. */
function rootMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message.startsWith("Failed query:") && error.cause instanceof Error) return rootMessage(error.cause);
  return error.message;
}

/**
 * The reward step for orders this process just paid (their tasks are pending and leased to it):
 * one call of the hook's batch method and one update resolving the tasks. When the batch fails,
 * each order is tried on its own, so one bad order only delays its own reward.
 */
export async function runRewardTasks(deps: RewardTaskDeps, paid: readonly OrderRow[]): Promise<void> {
  if (paid.length === 0) return;
  if (deps.rewards.onOrdersPaid) {
    try {
      const outcomes = await deps.rewards.onOrdersPaid(paid);
      await resolveTasks(
        deps.db,
        paid.map((order) => order.orderReference),
        outcomes,
      );
      return;
    } catch (error) {
      deps.logger.warn({ err: error, orders: paid.length }, "batch reward creation failed; trying each order alone");
    }
  }
  for (const order of paid) await runRewardTask(deps, order.orderReference);
}

/** Closes pending tasks with what the hook decided: `created`, or `no_reward` with the reason. */
async function resolveTasks(db: Db, orderReferences: readonly string[], outcomes: readonly RewardOutcome[]) {
  await runNamed(db, resolvePendingTasks, [
    orderReferences,
    outcomes.map((outcome) => ("rewardId" in outcome ? "created" : "no_reward")),
    outcomes.map((outcome) => ("noReward" in outcome ? outcome.noReward : null)),
  ]);
}

const resolvePendingTasks = named(
  "reward_tasks_resolve",
  `update reward_tasks set
     state = batch.state, reason = batch.reason, attempts = reward_tasks.attempts + 1,
     resolved_at = now(), resolved_by = 'system'
   from unnest($1::text[], $2::text[], $3::text[]) as batch (order_reference, state, reason)
   where reward_tasks.order_reference = batch.order_reference and reward_tasks.state = 'pending'`,
);

export interface SweepSummary {
  attempted: number;
  created: number;
  noReward: number;
  failed: number;
}

/**
 * Retries the pending tasks that are due, up to `limit`. Each picked task is leased (its next
 * attempt pushed out) in one statement with SKIP LOCKED, so replicas sweeping at once split the
 * work instead of repeating it.
 */
export async function sweepRewardTasks(deps: RewardTaskDeps, limit = 200, now = new Date()): Promise<SweepSummary> {
  const due = deps.db
    .select({ orderReference: rewardTasks.orderReference })
    .from(rewardTasks)
    .where(and(eq(rewardTasks.state, "pending"), lte(rewardTasks.nextAttemptAt, now)))
    .orderBy(asc(rewardTasks.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const leased = await deps.db
    .update(rewardTasks)
    .set({ nextAttemptAt: new Date(now.getTime() + SWEEP_LEASE_MS) })
    .where(inArray(rewardTasks.orderReference, due))
    .returning({ orderReference: rewardTasks.orderReference });
  const summary: SweepSummary = { attempted: leased.length, created: 0, noReward: 0, failed: 0 };
  for (const { orderReference } of leased) {
    const result = await runRewardTask(deps, orderReference);
    if (result.state === "created") summary.created++;
    else if (result.state === "no_reward") summary.noReward++;
    else if (result.state === "retry") summary.failed++;
  }
  return summary;
}

/** An admin closes a task that keeps failing: the order will have no reward, for this reason. */
export async function rejectRewardTask(
  db: Db,
  input: { orderReference: string; actor: string; reason: string },
): Promise<RewardTaskRow | undefined> {
  const [task] = await db
    .update(rewardTasks)
    .set({ state: "rejected", reason: input.reason, resolvedAt: sql`now()`, resolvedBy: input.actor })
    .where(and(eq(rewardTasks.orderReference, input.orderReference), eq(rewardTasks.state, "pending")))
    .returning();
  return task;
}
