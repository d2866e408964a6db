// The batch minter: approved, sized rewards are claimed (SKIP LOCKED), checked against
// `paidOrders` first, simulated, sent as one `payReferralBatch`, recorded (tx hash and nonce)
// before the receipt wait, and marked minted from the receipt. One minter at a time across
// replicas (a session advisory lock); every run starts by reconciling what a previous run left
// in `minting`. The contract skips already-paid orders, so even a resend never pays twice.
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import type pg from "pg";
import type { Logger } from "pino";
import {
  type Account,
  type Address,
  ContractFunctionRevertedError,
  BaseError,
  type Hex,
  type PublicClient,
  type WalletClient,
  getAddress,
} from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import { packPayment } from "../../../scripts/lib/pack-payment.ts";
import type { Db } from "../../db/client.ts";
import { rewards } from "../../db/schema.ts";
import { approveDueRewards } from "../ledger/approve.ts";
import { type RewardRow, transitionRewards } from "../ledger/transition.ts";
import { paymentsOf } from "./onchain.ts";

export interface MinterContext {
  db: Db;
  pool: pg.Pool;
  logger: Logger;
  publicClient: PublicClient;
  walletClient: WalletClient;
  account: Account;
  rewardsAddress: Address;
  /** The deployment's first block: where searches for ReferralPaid events start. */
  fromBlock: bigint;
  batchSize: number;
  receiptTimeoutMs: number;
  /** Failed rewards are retried after 30 s × 2^attempts, up to this many attempts. */
  maxAttempts: number;
}

export interface MintRunSummary {
  ran: boolean;
  reason?: string;
  reconciled: number;
  minted: number;
  failed: number;
  batches: { batchId: string; txHash: Hex | null; size: number }[];
}

const LOCK_SQL = "select pg_try_advisory_lock(hashtext('refcodes.minter')) as locked";
const UNLOCK_SQL = "select pg_advisory_unlock(hashtext('refcodes.minter'))";

/** The error as a reward keeps it: viem's short message plus the decoded revert (e.g. the custom error). */
function errorText(error: unknown): string {
  if (!(error instanceof BaseError)) return error instanceof Error ? error.message : String(error);
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (revert instanceof ContractFunctionRevertedError) {
    const detail = revert.data ? `${revert.data.errorName}(${(revert.data.args ?? []).join(", ")})` : revert.reason;
    if (detail) return `${error.shortMessage} ${detail}`;
  }
  return error.shortMessage;
}

export async function runMinter(ctx: MinterContext): Promise<MintRunSummary> {
  const summary: MintRunSummary = { ran: false, reconciled: 0, minted: 0, failed: 0, batches: [] };
  const lockClient = await ctx.pool.connect();
  try {
    const { rows } = await lockClient.query<{ locked: boolean }>(LOCK_SQL);
    if (!rows[0]?.locked) return { ...summary, reason: "another minter is running" };
    try {
      summary.ran = true;
      summary.reconciled += await reconcileMinting(ctx);
      await approveDueRewards(ctx.db);
      await retryFailed(ctx);
      for (;;) {
        const batch = await claimBatch(ctx);
        if (batch.length === 0) break;
        await mintBatch(ctx, batch, summary);
      }
    } finally {
      await lockClient.query(UNLOCK_SQL);
    }
  } finally {
    lockClient.release();
  }
  return summary;
}

/** Moves up to batchSize approved, sized rewards to `minting` under one batch id. */
async function claimBatch(ctx: MinterContext): Promise<RewardRow[]> {
  const batchId = randomUUID();
  return ctx.db.transaction(async (tx) => {
    const ready = await tx
      .select({ id: rewards.id })
      .from(rewards)
      .where(and(eq(rewards.state, "approved"), eq(rewards.sizing, "sized")))
      .orderBy(asc(rewards.createdAt))
      .limit(ctx.batchSize)
      .for("update", { skipLocked: true });
    return transitionRewards(tx, {
      ids: ready.map((row) => row.id),
      to: "minting",
      from: ["approved"],
      actor: "minter",
      set: { batchId, attempts: sql`${rewards.attempts} + 1`, txHash: null, txNonce: null, lastError: null },
    });
  });
}

/** Rewards already paid on-chain become `minted` when the chain agrees with the ledger, `failed` (no retry) when not. */
async function settleFromChain(ctx: MinterContext, rows: RewardRow[], actor: string): Promise<RewardRow[]> {
  const onChain = await paymentsOf(
    ctx.publicClient,
    ctx.rewardsAddress,
    rows.map((row) => row.orderRef as Hex),
  );
  const unpaid: RewardRow[] = [];
  const agreeing: string[] = [];
  for (const [i, row] of rows.entries()) {
    const payment = onChain[i];
    if (!payment) unpaid.push(row);
    else if (payment.referrer === getAddress(row.referrerWallet) && payment.amount.toString() === row.tokenAmount) {
      agreeing.push(row.id);
    } else {
      // Each keeps its own on-chain terms in the error; never retried.
      await transitionRewards(ctx.db, {
        ids: [row.id],
        to: "failed",
        from: ["minting"],
        actor,
        reason: "paid on-chain with other terms",
        set: {
          lastError: `on-chain payment ${payment.amount} to ${payment.referrer} differs from the ledger`,
          attempts: ctx.maxAttempts,
        },
      });
    }
  }
  await transitionRewards(ctx.db, {
    ids: agreeing,
    to: "minted",
    from: ["minting"],
    actor,
    reason: "already paid on-chain",
    set: { mintedAt: sql`coalesce(${rewards.mintedAt}, now())`, lastError: null },
  });
  return unpaid;
}

async function mintBatch(ctx: MinterContext, claimed: RewardRow[], summary: MintRunSummary): Promise<void> {
  const batchId = claimed[0]!.batchId!;
  const toPay = await settleFromChain(ctx, claimed, "minter:reconcile");
  summary.reconciled += claimed.length - toPay.length;
  if (toPay.length === 0) return;
  const ids = toPay.map((row) => row.id);
  const fail = async (error: unknown) => {
    const moved = await transitionRewards(ctx.db, {
      ids,
      to: "failed",
      from: ["minting"],
      actor: "minter",
      reason: "batch failed",
      set: { lastError: errorText(error).slice(0, 1000) },
    });
    summary.failed += moved.length;
    ctx.logger.warn({ batchId, err: error }, "mint batch failed");
  };

  let hash: Hex;
  try {
    const payouts = toPay.map((row) => ({
      orderRef: row.orderRef as Hex,
      payment: packPayment(getAddress(row.referrerWallet), BigInt(row.tokenAmount!)),
    }));
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.account,
      address: ctx.rewardsAddress,
      abi: referralRewardsAbi,
      functionName: "payReferralBatch",
      args: [payouts],
    });
    const nonce = await ctx.publicClient.getTransactionCount({ address: ctx.account.address, blockTag: "pending" });
    hash = await ctx.walletClient.writeContract({ ...request, nonce, chain: ctx.walletClient.chain ?? null });
    // Recorded before waiting: a crash from here on is reconciled from this hash and paidOrders.
    await ctx.db
      .update(rewards)
      .set({ txHash: hash, txNonce: nonce })
      .where(and(inArray(rewards.id, ids), eq(rewards.state, "minting")));
  } catch (error) {
    await fail(error);
    return;
  }
  summary.batches.push({ batchId, txHash: hash, size: toPay.length });

  let receipt;
  try {
    receipt = await ctx.publicClient.waitForTransactionReceipt({ hash, timeout: ctx.receiptTimeoutMs });
  } catch (error) {
    // Still `minting` with its hash: the next run reconciles it from the receipt or paidOrders.
    ctx.logger.warn({ batchId, hash, err: error }, "no receipt yet; left for reconciliation");
    return;
  }
  if (receipt.status !== "success") {
    await fail(new Error(`transaction ${hash} reverted`));
    return;
  }
  const moved = await transitionRewards(ctx.db, {
    ids,
    to: "minted",
    from: ["minting"],
    actor: "minter",
    reason: `batch ${batchId}`,
    set: { blockNumber: Number(receipt.blockNumber), mintedAt: new Date(), lastError: null },
  });
  summary.minted += moved.length;
}

/**
 * Everything a previous run left in `minting`: paid on-chain → minted (block from the receipt
 * when there is one); not paid → back to approved, to be paid by this run.
 */
export async function reconcileMinting(ctx: MinterContext): Promise<number> {
  const stuck = await ctx.db.select().from(rewards).where(eq(rewards.state, "minting"));
  if (stuck.length === 0) return 0;
  const blocks = new Map<string, number>();
  for (const hash of new Set(stuck.map((row) => row.txHash).filter((h): h is string => h !== null))) {
    const receipt = await ctx.publicClient.getTransactionReceipt({ hash: hash as Hex }).catch(() => undefined);
    if (receipt?.status === "success") blocks.set(hash, Number(receipt.blockNumber));
  }
  const paidRows = stuck.filter((row) => row.txHash && blocks.has(row.txHash));
  for (const [hash, blockNumber] of blocks) {
    await transitionRewards(ctx.db, {
      ids: paidRows.filter((row) => row.txHash === hash).map((row) => row.id),
      to: "minted",
      from: ["minting"],
      actor: "minter:reconcile",
      reason: "receipt found after restart",
      set: { blockNumber, mintedAt: new Date(), lastError: null },
    });
  }
  const rest = stuck.filter((row) => !paidRows.includes(row));
  const unpaid = await settleFromChain(ctx, rest, "minter:reconcile");
  await transitionRewards(ctx.db, {
    ids: unpaid.map((row) => row.id),
    to: "approved",
    from: ["minting"],
    actor: "minter:reconcile",
    reason: "not paid on-chain; will be sent again",
  });
  return stuck.length;
}

/** Failed rewards go back to approved after a backoff of 30 s × 2^(attempts − 1), until maxAttempts. */
async function retryFailed(ctx: MinterContext): Promise<void> {
  const due = await ctx.db
    .select({ id: rewards.id })
    .from(rewards)
    .where(
      and(
        eq(rewards.state, "failed"),
        lt(rewards.attempts, ctx.maxAttempts),
        sql`${rewards.updatedAt} + interval '30 seconds' * power(2, greatest(${rewards.attempts} - 1, 0)) <= now()`,
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
