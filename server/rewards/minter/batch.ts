// One batch on its way on-chain: simulate, send with an explicit nonce and fees, record the hash
// before waiting, wait (replacing a stuck transaction with a higher fee, same nonce), and mark
// minted exactly the orders the receipt's ReferralPaid events pay.
import { and, eq, inArray } from "drizzle-orm";
import {
  BaseError,
  ContractFunctionRevertedError,
  getAddress,
  type Hex,
  parseEventLogs,
  type TransactionReceipt,
  WaitForTransactionReceiptTimeoutError,
} from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import { packPayment } from "../../../scripts/lib/pack-payment.ts";
import { rewards } from "../../db/schema.ts";
import { type RewardRow, transitionRewards } from "../ledger/transition.ts";
import type { MinterContext, MintRunSummary } from "./context.ts";
import { settleFromChain } from "./settle.ts";

interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

interface Sent {
  hash: Hex;
  nonce: number;
  fees: Fees;
  gas: bigint;
}

/** What a re-send of the same orders keeps from the transaction it replaces. */
export interface Reuse {
  nonce: number;
  fees?: Fees;
  gas?: bigint;
}

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

/** Nodes accept a replacement only when both fees rise by at least 10%; 25% clears every common pool. */
const bump = (fee: bigint) => (fee * 125n) / 100n + 1n;

async function chooseFees(ctx: MinterContext, replacing?: Fees): Promise<Fees> {
  const current = await ctx.publicClient.estimateFeesPerGas();
  if (!replacing) return { maxFeePerGas: current.maxFeePerGas, maxPriorityFeePerGas: current.maxPriorityFeePerGas };
  const max = (a: bigint, b: bigint) => (a > b ? a : b);
  return {
    maxFeePerGas: max(current.maxFeePerGas, bump(replacing.maxFeePerGas)),
    maxPriorityFeePerGas: max(current.maxPriorityFeePerGas, bump(replacing.maxPriorityFeePerGas)),
  };
}

async function send(ctx: MinterContext, rows: RewardRow[], reuse?: Reuse): Promise<Sent> {
  const payouts = rows.map((row) => ({
    orderRef: row.orderRef as Hex,
    payment: packPayment(getAddress(row.referrerWallet), BigInt(row.tokenAmount!)),
  }));
  const call = {
    account: ctx.account,
    address: ctx.rewardsAddress,
    abi: referralRewardsAbi,
    functionName: "payReferralBatch",
    args: [payouts],
  } as const;
  await ctx.publicClient.simulateContract(call);
  // Estimated on the mined state: against the pending block a replacement would be estimated as
  // if its own orders were already paid (skips are cheaper) and run out of gas. 10% headroom for
  // state that changes before inclusion.
  const gas =
    reuse?.gas ?? ((await ctx.publicClient.estimateContractGas({ ...call, blockTag: "latest" })) * 110n) / 100n;
  const nonce =
    reuse?.nonce ?? (await ctx.publicClient.getTransactionCount({ address: ctx.account.address, blockTag: "pending" }));
  const fees = await chooseFees(ctx, reuse?.fees);
  await ctx.faults?.beforeSend?.();
  const hash = await ctx.walletClient.writeContract({
    ...call,
    nonce,
    gas,
    ...fees,
    chain: ctx.walletClient.chain ?? null,
  });
  await ctx.faults?.afterSend?.(hash);
  // Recorded before waiting: a crash from here on is reconciled from this nonce and paidOrders.
  await ctx.db
    .update(rewards)
    .set({ txHash: hash, txNonce: nonce })
    .where(
      and(
        inArray(
          rewards.id,
          rows.map((row) => row.id),
        ),
        eq(rewards.state, "minting"),
      ),
    );
  await ctx.faults?.afterRecord?.(hash);
  return { hash, nonce, fees, gas };
}

/**
 * The receipt, replacing the transaction when a wait times out; undefined when it is still not
 * mined. `hash` is the last transaction sent for the batch.
 */
async function awaitReceipt(
  ctx: MinterContext,
  rows: RewardRow[],
  sent: Sent,
  summary: MintRunSummary,
): Promise<{ receipt: TransactionReceipt | undefined; hash: Hex }> {
  const maxReplacements = ctx.maxReplacements ?? 3;
  for (let replacements = 0; ; replacements++) {
    try {
      const receipt = await ctx.publicClient.waitForTransactionReceipt({
        hash: sent.hash,
        timeout: ctx.receiptTimeoutMs,
      });
      return { receipt, hash: sent.hash };
    } catch (error) {
      if (!(error instanceof WaitForTransactionReceiptTimeoutError) || replacements >= maxReplacements) {
        ctx.logger.warn({ hash: sent.hash, err: error }, "no receipt; left in minting for reconciliation");
        return { receipt: undefined, hash: sent.hash };
      }
    }
    try {
      sent = await send(ctx, rows, sent);
      summary.replaced += 1;
      ctx.logger.warn({ nonce: sent.nonce, hash: sent.hash, fees: sent.fees }, "replaced a stuck mint transaction");
    } catch (error) {
      // Typically "nonce too low": the transaction being replaced was mined meanwhile.
      ctx.logger.info({ nonce: sent.nonce, err: error }, "replacement not sent");
      return { receipt: undefined, hash: sent.hash };
    }
  }
}

/**
 * Pays `rows` (already `minting` under one batch id). `reuse` re-sends with the nonce of an
 * earlier transaction that never got mined. Returns false when the transaction is still in
 * flight, so the run stops sending until it is mined.
 */
export async function payBatch(
  ctx: MinterContext,
  rows: RewardRow[],
  summary: MintRunSummary,
  reuse?: Reuse,
): Promise<boolean> {
  const batchId = rows[0]!.batchId!;
  const fail = async (failing: RewardRow[], error: unknown) => {
    const moved = await transitionRewards(ctx.db, {
      ids: failing.map((row) => row.id),
      to: "failed",
      from: ["minting"],
      actor: "minter",
      reason: "batch failed",
      set: { lastError: errorText(error).slice(0, 1000) },
    });
    summary.failed += moved.length;
    ctx.logger.warn({ batchId, err: error }, "mint batch failed");
  };

  let sent: Sent;
  try {
    sent = await send(ctx, rows, reuse);
  } catch (error) {
    // A send can fail after an earlier transaction with these orders landed (a re-send whose nonce is used).
    const settled = await settleFromChain(ctx, rows, "minter:reconcile");
    summary.reconciled += settled.minted.length + settled.conflicting.length;
    await fail(settled.unpaid, error);
    return true;
  }
  const { receipt, hash } = await awaitReceipt(ctx, rows, sent, summary);
  // The mined transaction (a replacement's, when one was mined), else the last one sent.
  summary.batches.push({ batchId, txHash: receipt?.transactionHash ?? hash, size: rows.length });
  if (!receipt) {
    const settled = await settleFromChain(ctx, rows, "minter:reconcile");
    summary.minted += settled.minted.length;
    return settled.unpaid.length === 0;
  }
  await ctx.faults?.afterReceipt?.(receipt.transactionHash);
  if (receipt.status !== "success") {
    await fail(rows, new Error(`transaction ${receipt.transactionHash} reverted`));
    return true;
  }
  const paidHere = new Set(
    parseEventLogs({ abi: referralRewardsAbi, logs: receipt.logs, eventName: "ReferralPaid" })
      .filter((log) => log.address.toLowerCase() === ctx.rewardsAddress.toLowerCase())
      .map((log) => log.args.orderRef.toLowerCase()),
  );
  const [paid, skipped] = [
    rows.filter((row) => paidHere.has(row.orderRef.toLowerCase())),
    rows.filter((row) => !paidHere.has(row.orderRef.toLowerCase())),
  ];
  const moved = await transitionRewards(ctx.db, {
    ids: paid.map((row) => row.id),
    to: "minted",
    from: ["minting"],
    actor: "minter",
    reason: `batch ${batchId}`,
    set: {
      txHash: receipt.transactionHash,
      blockNumber: Number(receipt.blockNumber),
      mintedAt: new Date(),
      lastError: null,
    },
  });
  summary.minted += moved.length;
  // Skipped by the contract: paid earlier by another transaction, settled from that one's record.
  const settled = await settleFromChain(ctx, skipped, "minter:reconcile");
  summary.reconciled += settled.minted.length + settled.conflicting.length;
  await transitionRewards(ctx.db, {
    ids: settled.unpaid.map((row) => row.id),
    to: "approved",
    from: ["minting"],
    actor: "minter",
    reason: "not paid by its batch; will be sent again",
  });
  return true;
}
