// The batch minter: approved, sized rewards are claimed (SKIP LOCKED) within the contract's
// limits, checked against `paidOrders` first, simulated, sent as one `payReferralBatch`,
// recorded (tx hash and nonce) before the receipt wait, and marked minted from the receipt.
// One minter at a time across replicas (a session advisory lock); every run starts by
// reconciling what a previous run left in `minting`. The contract skips already-paid orders,
// so even a resend never pays twice.
import { randomUUID } from "node:crypto";
import { and, asc, eq, lt, sql } from "drizzle-orm";
import { rewards } from "../../db/schema.ts";
import { approveDueRewards } from "../ledger/approve.ts";
import { offsetClawbacks } from "../ledger/clawbacks.ts";
import { type RewardRow, transitionRewards } from "../ledger/transition.ts";
import { payBatch } from "./batch.ts";
import type { MinterContext, MintRunSummary } from "./context.ts";
import { planBatch } from "./limits.ts";
import { contractLimits } from "../onchain.ts";
import { reconcileMinting } from "./reconcile.ts";
import { recheckRecentMints } from "./reorg.ts";
import { settleFromChain } from "./settle.ts";

export type { MinterContext, MintRunSummary } from "./context.ts";

const LOCK_SQL = "select pg_try_advisory_lock(hashtext('refcodes.minter')) as locked";
const UNLOCK_SQL = "select pg_advisory_unlock(hashtext('refcodes.minter'))";

export async function runMinter(ctx: MinterContext): Promise<MintRunSummary> {
  const summary: MintRunSummary = {
    ran: false,
    reconciled: 0,
    sized: 0,
    minted: 0,
    failed: 0,
    deferred: 0,
    replaced: 0,
    batches: [],
  };
  const lockClient = await ctx.pool.connect();
  try {
    const { rows } = await lockClient.query<{ locked: boolean }>(LOCK_SQL);
    if (!rows[0]?.locked) return { ...summary, reason: "another minter is running" };
    try {
      summary.ran = true;
      await reconcileMinting(ctx, summary);
      await recheckRecentMints(ctx);
      await approveDueRewards(ctx.db);
      summary.sized = await sizePending(ctx);
      await retryFailed(ctx);
      for (;;) {
        const claim = await claimBatch(ctx);
        summary.deferred = claim.deferred;
        summary.failed += claim.unpayable;
        if (claim.rows.length > 0 && !(await mintClaimed(ctx, claim.rows, summary))) {
          summary.reason = "a transaction is not mined yet; the next run settles it";
          break;
        }
        if (claim.deferred > 0) {
          summary.reason = `the window budget is spent until ${new Date(claim.windowEnd * 1000).toISOString()}`;
          break;
        }
        if (claim.rows.length === 0) break;
      }
    } finally {
      await lockClient.query(UNLOCK_SQL);
    }
  } finally {
    lockClient.release();
  }
  return summary;
}

interface Claim {
  rows: RewardRow[];
  /** Failed at once: amounts the contract can never take. */
  unpayable: number;
  deferred: number;
  windowEnd: number;
}

/** Moves up to batchSize approved, sized rewards the contract can take now to `minting` under one batch id. */
async function claimBatch(ctx: MinterContext): Promise<Claim> {
  const limits = await contractLimits(ctx.publicClient, ctx.rewardsAddress);
  const batchId = randomUUID();
  return ctx.db.transaction(async (tx) => {
    const locked = await tx
      .select()
      .from(rewards)
      .where(and(eq(rewards.state, "approved"), eq(rewards.sizing, "sized")))
      .orderBy(asc(rewards.createdAt))
      .limit(ctx.batchSize)
      .for("update", { skipLocked: true });
    // Open clawbacks are recovered before anything is paid: these rewards pay what is left.
    const ready = await offsetClawbacks(tx, locked);
    const plan = planBatch(ready, limits);
    const claimed = await transitionRewards(tx, {
      ids: [...plan.payable, ...plan.unpayable.map(({ row }) => row)].map((row) => row.id),
      to: "minting",
      from: ["approved"],
      actor: "minter",
      set: { batchId, attempts: sql`${rewards.attempts} + 1`, txHash: null, txNonce: null, lastError: null },
    });
    for (const { row, reason } of plan.unpayable) {
      await transitionRewards(tx, {
        ids: [row.id],
        to: "failed",
        from: ["minting"],
        actor: "minter",
        reason: "outside the contract's limits",
        set: { lastError: reason },
      });
    }
    const unpayable = new Set(plan.unpayable.map(({ row }) => row.id));
    return {
      rows: claimed.filter((row) => !unpayable.has(row.id)),
      unpayable: unpayable.size,
      deferred: plan.deferred.length,
      windowEnd: limits.windowEnd,
    };
  });
}

/** Settles what is already paid, then pays the rest in one transaction; false while that is in flight. */
async function mintClaimed(ctx: MinterContext, claimed: RewardRow[], summary: MintRunSummary): Promise<boolean> {
  const { unpaid, minted, conflicting } = await settleFromChain(ctx, claimed, "minter:reconcile");
  summary.reconciled += minted.length + conflicting.length;
  if (unpaid.length === 0) return true;
  return payBatch(ctx, unpaid, summary);
}

/** A price outage must not stop paying what is already sized. */
async function sizePending(ctx: MinterContext): Promise<number> {
  try {
    return (await ctx.sizePending?.()) ?? 0;
  } catch (error) {
    ctx.logger.warn({ err: error }, "sizing pending rewards failed");
    return 0;
  }
}

/** Failed rewards go back to approved after a backoff of retryBaseSeconds (30) × 2^(attempts − 1),
 *  until maxAttempts. */
async function retryFailed(ctx: MinterContext): Promise<void> {
  const due = await ctx.db
    .select({ id: rewards.id })
    .from(rewards)
    .where(
      and(
        eq(rewards.state, "failed"),
        lt(rewards.attempts, ctx.maxAttempts),
        sql`${rewards.updatedAt} + make_interval(secs => ${ctx.retryBaseSeconds ?? 30}) * power(2, greatest(${rewards.attempts} - 1, 0)) <= now()`,
      ),
    );
  await transitionRewards(ctx.db, {
    ids: due.map((row) => row.id),
    to: "approved",
    from: ["failed"],
    actor: "minter:retry",
    reason: "retry after backoff",
  });
}
