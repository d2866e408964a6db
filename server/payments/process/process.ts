// The one processing path of both providers' webhooks: store the delivery, act on it in the same
// transaction (so a duplicate, even a concurrent one, finds the first one's row and does nothing),
// then decide the reward of a newly paid order after the commit, where no failure can reach the
// provider's response.
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db, Tx } from "../../db/client.ts";
import { paymentTransactions } from "../../db/schema.ts";
import type { RewardHook } from "../../rewards/hook.ts";
import { runRewardTask } from "../../rewards/tasks/tasks.ts";
import type { PaymentEvent, PaymentProvider } from "../event.ts";
import type { Handled, PaymentOutcome } from "./outcome.ts";
import { handlePaid } from "./paid.ts";
import { applyRefund, refundOrderReference } from "./refund.ts";

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

export async function processPayment(deps: PaymentDeps, delivery: VerifiedDelivery): Promise<ProcessResult> {
  const { event } = delivery;
  const ids = { paymentId: delivery.paymentId ?? null, chargeId: delivery.chargeId ?? null };
  const result = await deps.db.transaction(async (tx) => {
    const orderReference =
      event.kind === "refunded" || event.kind === "chargeback"
        ? await refundOrderReference(tx, event, ids)
        : event.orderReference;
    const [row] = await tx
      .insert(paymentTransactions)
      .values({
        provider: event.provider,
        providerEventId: event.providerEventId,
        kind: event.kind,
        providerStatus: event.providerStatus,
        orderReference,
        amountMinor: event.amountMinor === null ? null : Number(event.amountMinor),
        currency: event.currency,
        ...ids,
        payload: delivery.payload,
        signatureValid: true,
        outcome: "recorded",
      })
      .onConflictDoNothing({ target: [paymentTransactions.provider, paymentTransactions.providerEventId] })
      .returning({ id: paymentTransactions.id });
    if (!row) return { duplicate: true, transactionId: null, handled: undefined };

    const handled = await handle(tx, event, orderReference, row.id, delivery.refundedTotalMinor ?? null);
    await tx
      .update(paymentTransactions)
      .set({
        outcome: handled.outcome,
        detail: handled.detail,
        needsReview: handled.needsReview,
        processedAt: handled.processed === false ? null : new Date(),
      })
      .where(eq(paymentTransactions.id, row.id));
    return { duplicate: false, transactionId: row.id, handled };
  });
  const { handled } = result;
  if (handled?.needsReview) {
    deps.logger.warn(
      { provider: event.provider, eventId: event.providerEventId, outcome: handled.outcome, detail: handled.detail },
      "payment needs review",
    );
  }
  if (handled?.paidOrderReference) await runRewardTask(deps, handled.paidOrderReference);
  return {
    duplicate: result.duplicate,
    transactionId: result.transactionId,
    outcome: handled?.outcome ?? null,
    detail: handled?.detail ?? null,
  };
}

async function handle(
  tx: Tx,
  event: PaymentEvent,
  orderReference: string | null,
  transactionId: number,
  refundedTotalMinor: bigint | null,
): Promise<Handled> {
  switch (event.kind) {
    case "paid":
      return handlePaid(tx, event, transactionId);
    case "refunded":
    case "chargeback":
      if (orderReference === null) {
        return { outcome: "unknown_order", detail: `the ${event.kind} names no order we know`, needsReview: true };
      }
      return applyRefund(tx, {
        orderReference,
        provider: event.provider,
        kind: event.kind,
        amountMinor: event.amountMinor,
        currency: event.currency,
        refundedTotalMinor,
        providerStatus: event.providerStatus,
        transactionId,
      });
    case "declined":
    case "expired":
    case "pending":
      return { outcome: "recorded", detail: `${event.providerStatus}: nothing to do`, needsReview: false };
    case "ignored":
      return { outcome: "ignored", detail: `${event.providerStatus} is not acted on`, needsReview: false };
  }
}

export interface RejectedDelivery {
  provider: PaymentProvider;
  payload: string;
  outcome: Extract<PaymentOutcome, "bad_signature" | "wrong_merchant" | "invalid_payload" | "error">;
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
