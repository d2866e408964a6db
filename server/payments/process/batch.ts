// Processing a batch of verified deliveries in one transaction (the webhooks' group commit): a
// handful of set-based statements serve the whole batch, so one durable commit acknowledges many
// deliveries. Deliveries are acted on in arrival order; rows are locked in key order (payment
// events, then orders), so concurrent batches never wait on each other in a cycle.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { orders, paymentTransactions, rewardTasks } from "../../db/schema.ts";
import type { OrderRow } from "../../rewards/hook.ts";
import { INLINE_LEASE_MS } from "../../rewards/tasks/tasks.ts";
import type { Handled } from "./outcome.ts";
import { decidePaid } from "./paid.ts";
import type { ProcessResult, VerifiedDelivery } from "./process.ts";
import { applyRefund, refundOrderReference } from "./refund.ts";

interface Item {
  delivery: VerifiedDelivery;
  key: string;
  orderReference: string | null;
  transactionId: number | null;
  handled?: Handled;
}

export interface WrittenBatch {
  results: ProcessResult[];
  /** Orders this batch paid, for the reward step after the commit. */
  paidOrders: OrderRow[];
  /** Deliveries that need a person to look at them. */
  flagged: Item[];
}

const isRefund = (kind: string) => kind === "refunded" || kind === "chargeback";

export async function writeBatch(tx: Tx, deliveries: readonly VerifiedDelivery[]): Promise<WrittenBatch> {
  const items: Item[] = [];
  for (const delivery of deliveries) {
    const { event } = delivery;
    const orderReference = isRefund(event.kind)
      ? await refundOrderReference(tx, event, {
          paymentId: delivery.paymentId ?? null,
          chargeId: delivery.chargeId ?? null,
        })
      : event.orderReference;
    items.push({
      delivery,
      key: `${event.provider}\u0000${event.providerEventId}`,
      orderReference,
      transactionId: null,
    });
  }

  // The unique (provider, event id) index decides what is new; a duplicate, even one in flight in
  // another batch, waits for that batch's commit and then inserts nothing.
  const byKey = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const inserted = await tx
    .insert(paymentTransactions)
    .values(
      byKey.map(({ delivery, orderReference }) => ({
        provider: delivery.event.provider,
        providerEventId: delivery.event.providerEventId,
        kind: delivery.event.kind,
        providerStatus: delivery.event.providerStatus,
        orderReference,
        amountMinor: delivery.event.amountMinor === null ? null : Number(delivery.event.amountMinor),
        currency: delivery.event.currency,
        paymentId: delivery.paymentId ?? null,
        chargeId: delivery.chargeId ?? null,
        payload: delivery.payload,
        signatureValid: true,
        outcome: "recorded" as const,
      })),
    )
    .onConflictDoNothing({ target: [paymentTransactions.provider, paymentTransactions.providerEventId] })
    .returning({
      id: paymentTransactions.id,
      provider: paymentTransactions.provider,
      eventId: paymentTransactions.providerEventId,
    });
  const idOf = new Map(inserted.map((row) => [`${row.provider}\u0000${row.eventId}`, row.id]));
  const fresh: Item[] = [];
  for (const item of items) {
    const id = idOf.get(item.key);
    if (id === undefined) continue;
    idOf.delete(item.key); // a second copy within this batch is a duplicate too
    item.transactionId = id;
    fresh.push(item);
  }

  const references = [
    ...new Set(
      fresh
        .filter(
          (item) =>
            item.orderReference !== null && (item.delivery.event.kind === "paid" || isRefund(item.delivery.event.kind)),
        )
        .map((item) => item.orderReference!),
    ),
  ];
  const current = new Map<string, OrderRow>();
  /** Orders with a refund kept until they are paid (read with the lock: one round trip). */
  const withDeferredRefunds = new Set<string>();
  if (references.length > 0) {
    const locked = await tx
      .select({
        order: orders,
        deferred: sql<boolean>`exists (select 1 from ${paymentTransactions} where ${paymentTransactions.orderReference} = ${orders.orderReference} and ${paymentTransactions.outcome} = 'refund_deferred')`,
      })
      .from(orders)
      .where(inArray(orders.orderReference, references))
      .orderBy(asc(orders.orderReference))
      .for("update", { of: orders });
    for (const { order, deferred } of locked) {
      current.set(order.orderReference, order);
      if (deferred) withDeferredRefunds.add(order.orderReference);
    }
  }

  const paidOrders: OrderRow[] = [];
  const refunds: Item[] = [];
  for (const item of fresh) {
    const { event } = item.delivery;
    if (event.kind === "paid") {
      const order = item.orderReference === null ? undefined : current.get(item.orderReference);
      item.handled = decidePaid(order, event);
      if (item.handled.outcome === "order_paid") {
        const paid: OrderRow = {
          ...order!,
          status: "paid",
          rail: "fiat",
          paidAt: event.occurredAt ?? new Date(),
          paymentProvider: event.provider,
        };
        current.set(paid.orderReference, paid);
        paidOrders.push(paid);
      }
    } else if (isRefund(event.kind)) {
      refunds.push(item);
    } else if (event.kind === "ignored") {
      item.handled = { outcome: "ignored", detail: `${event.providerStatus} is not acted on`, needsReview: false };
    } else {
      item.handled = { outcome: "recorded", detail: `${event.providerStatus}: nothing to do`, needsReview: false };
    }
  }

  if (paidOrders.length > 0) {
    // The orders become paid and their reward tasks exist, in one statement.
    await tx.execute(sql`
      with paid as (
        update ${orders} set status = 'paid', rail = 'fiat', paid_at = batch.paid_at, payment_provider = batch.provider
        from unnest(
          ${sql.param(paidOrders.map((order) => order.orderReference))}::text[],
          ${sql.param(paidOrders.map((order) => order.paidAt!.toISOString()))}::timestamptz[],
          ${sql.param(paidOrders.map((order) => order.paymentProvider))}::text[]
        ) as batch (order_reference, paid_at, provider)
        where ${orders.orderReference} = batch.order_reference and ${orders.status} = 'pending'
        returning ${orders.orderReference} as order_reference
      )
      insert into ${rewardTasks} (order_reference, next_attempt_at)
      select order_reference, now() + ${INLINE_LEASE_MS} * interval '1 millisecond' from paid
      on conflict (order_reference) do nothing`);
    const deferredPaid = paidOrders.filter((order) => withDeferredRefunds.has(order.orderReference));
    if (deferredPaid.length > 0) await applyDeferredRefunds(tx, deferredPaid);
  }

  for (const item of refunds) {
    const { event } = item.delivery;
    item.handled =
      item.orderReference === null
        ? { outcome: "unknown_order", detail: `the ${event.kind} names no order we know`, needsReview: true }
        : await applyRefund(tx, {
            orderReference: item.orderReference,
            provider: event.provider,
            kind: event.kind as "refunded" | "chargeback",
            amountMinor: event.amountMinor,
            currency: event.currency,
            refundedTotalMinor: item.delivery.refundedTotalMinor ?? null,
            providerStatus: event.providerStatus,
            transactionId: item.transactionId!,
          });
  }

  if (fresh.length > 0) await recordOutcomes(tx, fresh);
  return {
    results: items.map((item) => ({
      duplicate: item.transactionId === null,
      transactionId: item.transactionId,
      outcome: item.handled?.outcome ?? null,
      detail: item.handled?.detail ?? null,
    })),
    paidOrders,
    flagged: fresh.filter((item) => item.handled!.needsReview),
  };
}

/** Refunds that arrived before these orders were paid were kept; they apply now, oldest first. */
async function applyDeferredRefunds(tx: Tx, paidOrders: readonly OrderRow[]): Promise<void> {
  const deferred = await tx
    .select()
    .from(paymentTransactions)
    .where(
      and(
        eq(paymentTransactions.outcome, "refund_deferred"),
        inArray(
          paymentTransactions.orderReference,
          paidOrders.map((order) => order.orderReference),
        ),
      ),
    )
    .orderBy(asc(paymentTransactions.id))
    .for("update");
  const providerOf = new Map(paidOrders.map((order) => [order.orderReference, order.paymentProvider]));
  for (const refund of deferred) {
    // A refund from another provider than the one that took the payment stays kept (and flagged).
    if (providerOf.get(refund.orderReference!) !== refund.provider) continue;
    const applied = await applyRefund(tx, {
      orderReference: refund.orderReference!,
      provider: refund.provider,
      kind: refund.kind === "chargeback" ? "chargeback" : "refunded",
      amountMinor: refund.amountMinor === null ? null : BigInt(refund.amountMinor),
      currency: refund.currency,
      refundedTotalMinor: null,
      providerStatus: refund.providerStatus ?? "",
      transactionId: refund.id,
    });
    await tx
      .update(paymentTransactions)
      .set({
        outcome: applied.outcome,
        detail: `${applied.detail} (kept until the order was paid)`,
        needsReview: applied.needsReview,
        processedAt: new Date(),
      })
      .where(eq(paymentTransactions.id, refund.id));
  }
}

async function recordOutcomes(tx: Tx, fresh: readonly Item[]): Promise<void> {
  await tx.execute(sql`
    update ${paymentTransactions} set
      outcome = batch.outcome, detail = batch.detail, needs_review = batch.needs_review,
      processed_at = case when batch.processed then now() end
    from unnest(
      ${sql.param(fresh.map((item) => item.transactionId!))}::int8[],
      ${sql.param(fresh.map((item) => item.handled!.outcome))}::text[],
      ${sql.param(fresh.map((item) => item.handled!.detail))}::text[],
      ${sql.param(fresh.map((item) => item.handled!.needsReview))}::bool[],
      ${sql.param(fresh.map((item) => item.handled!.processed !== false))}::bool[]
    ) as batch (id, outcome, detail, needs_review, processed)
    where ${paymentTransactions.id} = batch.id`);
}
