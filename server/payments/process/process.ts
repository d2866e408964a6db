// The one processing path of both providers' webhooks. Verified deliveries are group-committed
// (batch.ts): each waits for the commit of the batch holding it, so an answer always means stored
// and acted on. The reward step runs after that commit, where no failure can reach the provider.
import type { Logger } from "pino";
import type { Db } from "../../db/client.ts";
import { PG_DEADLOCK, pgErrorCode } from "../../db/errors.ts";
import { createGroupCommit } from "../../db/group-commit.ts";
import { paymentTransactions } from "../../db/schema.ts";
import type { OrderRow, RewardHook } from "../../rewards/hook.ts";
import { runRewardTasks } from "../../rewards/tasks/tasks.ts";
import type { PaymentEvent, PaymentProvider } from "../event.ts";
import { type WrittenBatch, writeBatch } from "./batch.ts";
import type { PaymentOutcome } from "./outcome.ts";

export interface PaymentDeps {
  db: Db;
  rewards: RewardHook;
  logger: Logger;
}

export interface VerifiedDelivery {
  event: PaymentEvent;
  /** The request body exactly as received. */
  payload: string;
  /** Stripe ids: the PaymentIntent and charge the event names (to find a dispute's order). */
  paymentId?: string | null;
  chargeId?: string | null;
  /** Stripe charge.refunded: the cumulative refunded amount, when the event's own is unknown. */
  refundedTotalMinor?: bigint | null;
}

export interface ProcessResult {
  duplicate: boolean;
  transactionId: number | null;
  outcome: PaymentOutcome | null;
  detail: string | null;
}

export interface PaymentProcessor {
  /** Resolves once the delivery is stored and acted on (committed); the reward step follows. */
  process(delivery: VerifiedDelivery): Promise<ProcessResult>;
  /** Resolves when the reward steps of every delivery answered so far have finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

type Settled = { ok: true; result: ProcessResult } | { ok: false; error: unknown };

/** Deliveries arriving within `flushMs` of each other share one transaction (at most `maxBatch`). */
export function createPaymentProcessor(
  deps: PaymentDeps,
  options: { flushMs?: number; maxBatch?: number; maxInFlight?: number } = {},
): PaymentProcessor {
  // The reward step of a batch runs after its commit, outside the batch's flight: the provider is
  // answered as soon as the payment is durable. Its task rows make it crash-safe (the sweep).
  const rewardSteps = new Set<Promise<void>>();
  const afterCommit = (paidOrders: OrderRow[]) => {
    if (paidOrders.length === 0) return;
    const step = runRewardTasks(deps, paidOrders).finally(() => rewardSteps.delete(step));
    rewardSteps.add(step);
  };
  const group = createGroupCommit<VerifiedDelivery, Settled>({
    flushMs: options.flushMs ?? 2,
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 4,
    flush: (deliveries) => processBatch(deps, deliveries, afterCommit),
  });
  const idle = async () => {
    while (rewardSteps.size > 0) await Promise.allSettled([...rewardSteps]);
  };
  return {
    async process(delivery) {
      const settled = await group.submit(delivery);
      if (!settled.ok) throw settled.error;
      return settled.result;
    },
    idle,
    async close() {
      await group.close();
      await idle();
    },
  };
}

async function processBatch(
  deps: PaymentDeps,
  deliveries: VerifiedDelivery[],
  afterCommit: (paidOrders: OrderRow[]) => void,
): Promise<Settled[]> {
  let written: WrittenBatch;
  try {
    written = await retryOnDeadlock(() => deps.db.transaction((tx) => writeBatch(tx, deliveries)));
  } catch (error) {
    if (deliveries.length === 1) return [{ ok: false, error }];
    // One delivery the database refuses must not fail its neighbours: each again on its own.
    deps.logger.warn({ err: error, deliveries: deliveries.length }, "payment batch failed; processing each alone");
    const alone: Settled[] = [];
    for (const delivery of deliveries) alone.push(...(await processBatch(deps, [delivery], afterCommit)));
    return alone;
  }
  for (const item of written.flagged) {
    const { event } = item.delivery;
    deps.logger.warn(
      {
        provider: event.provider,
        eventId: event.providerEventId,
        outcome: item.handled?.outcome,
        detail: item.handled?.detail,
      },
      "payment needs review",
    );
  }
  afterCommit(written.paidOrders);
  return written.results.map((result) => ({ ok: true, result }));
}

/** Batches lock in key order, but a deadlock detected by Postgres is retried, not reported. */
async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (pgErrorCode(error) !== PG_DEADLOCK || attempt >= attempts) throw error;
    }
  }
}

export interface RejectedDelivery {
  provider: PaymentProvider;
  payload: string;
  outcome: Extract<PaymentOutcome, "bad_signature" | "wrong_merchant" | "invalid_payload">;
  detail: string;
  signatureValid: boolean;
  /** Known only when the body was authentic (a signed Stripe event that cannot be used). */
  providerEventId?: string | null;
}

/** Stores a delivery nothing acts on: forged, for another merchant, unreadable. Never throws. */
export async function recordRejected(deps: PaymentDeps, delivery: RejectedDelivery): Promise<void> {
  try {
    await deps.db
      .insert(paymentTransactions)
      .values({
        provider: delivery.provider,
        providerEventId: delivery.providerEventId ?? null,
        payload: delivery.payload,
        signatureValid: delivery.signatureValid,
        outcome: delivery.outcome,
        detail: delivery.detail,
        needsReview: delivery.signatureValid,
        processedAt: new Date(),
      })
      .onConflictDoNothing({ target: [paymentTransactions.provider, paymentTransactions.providerEventId] });
  } catch (error) {
    deps.logger.error({ err: error, provider: delivery.provider }, "could not store a rejected delivery");
  }
}
