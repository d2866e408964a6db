// Processing a batch of verified deliveries in one transaction (the webhooks' group commit): a
// handful of set-based statements serve the whole batch, so one durable commit acknowledges many
// deliveries. Deliveries are acted on in arrival order; rows are locked in key order (payment
// events, then orders), so concurrent batches never wait on each other in a cycle.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { named, runNamed } from "../../db/named.ts";
import { orders, paymentTransactions } from "../../db/schema.ts";
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

// The batch's statements: constant texts over arrays, named, so each connection plans them once.
type DeliveryColumn = (item: Item) => unknown;
const deliveryColumns: DeliveryColumn[] = [
  (item) => item.delivery.event.provider,
  (item) => item.delivery.event.providerEventId,
  (item) => item.delivery.event.kind,
  (item) => item.delivery.event.providerStatus,
  (item) => item.orderReference,
  (item) => (item.delivery.event.amountMinor === null ? null : item.delivery.event.amountMinor.toString()),
  (item) => item.delivery.event.currency,
  (item) => item.delivery.paymentId ?? null,
  (item) => item.delivery.chargeId ?? null,
  (item) => item.delivery.payload,
];

/** Rows go in in the order given (key order), so concurrent batches wait on each other in order. */
const insertDeliveries = named(
  "payments_insert_deliveries",
  `insert into payment_transactions
     (provider, provider_event_id, kind, provider_status, order_reference, amount_minor, currency,
      payment_id, charge_id, payload, signature_valid, outcome)
   select provider, provider_event_id, kind, provider_status, order_reference, amount_minor, currency,
      payment_id, charge_id, payload, true, 'recorded'
   from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[],
      $8::text[], $9::text[], $10::text[])
     with ordinality as batch (provider, provider_event_id, kind, provider_status, order_reference,
      amount_minor, currency, payment_id, charge_id, payload, position)
   order by position
   on conflict (provider, provider_event_id) do nothing
   returning id, provider, provider_event_id`,
);

/** The orders become paid and their reward tasks exist, in one statement. */
const markPaid = named(
  "payments_mark_paid",
  `with paid as (
     update orders set status = 'paid', rail = 'fiat', paid_at = batch.paid_at, payment_provider = batch.provider
     from unnest($1::text[], $2::timestamptz[], $3::text[]) as batch (order_reference, paid_at, provider)
     where orders.order_reference = batch.order_reference and orders.status = 'pending'
     returning orders.order_reference
   )
   insert into reward_tasks (order_reference, next_attempt_at)
   select order_reference, now() + $4::int8 * interval '1 millisecond' from paid
   on conflict (order_reference) do nothing`,
);

const writeOutcomes = named(
  "payments_write_outcomes",
  `update payment_transactions set
     outcome = batch.outcome, detail = batch.detail, needs_review = batch.needs_review,
     processed_at = case when batch.processed then now() end
   from unnest($1::int8[], $2::text[], $3::text[], $4::bool[], $5::bool[])
     as batch (id, outcome, detail, needs_review, processed)
   where payment_transactions.id = batch.id`,
);

/** The orders a batch acts on, locked in key order, with whether a refund waits for each. */
const lockOrders = (tx: Tx) =>
  tx
    .select({
      order: orders,
      deferred: sql<boolean>`exists (select 1 from ${paymentTransactions} where ${paymentTransactions.orderReference} = ${orders.orderReference} and ${paymentTransactions.outcome} = 'refund_deferred')`,
    })
    .from(orders)
    .where(sql`${orders.orderReference} = any(${sql.placeholder("references")})`)
    .orderBy(asc(orders.orderReference))
    .for("update", { of: orders })
    .prepare("payments_lock_orders");

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
  const inserted = await runNamed<{ id: number; provider: string; provider_event_id: string }>(
    tx,
    insertDeliveries,
    deliveryColumns.map((column) => byKey.map(column)),
  );
  const idOf = new Map(inserted.map((row) => [`${row.provider}\u0000${row.provider_event_id}`, row.id]));
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
    const locked = await lockOrders(tx).execute({ references });
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
    await runNamed(tx, markPaid, [
      paidOrders.map((order) => order.orderReference),
      paidOrders.map((order) => order.paidAt!.toISOString()),
      paidOrders.map((order) => order.paymentProvider),
      INLINE_LEASE_MS,
    ]);
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
  await runNamed(tx, writeOutcomes, [
    fresh.map((item) => item.transactionId!),
    fresh.map((item) => item.handled!.outcome),
    fresh.map((item) => item.handled!.detail),
    fresh.map((item) => item.handled!.needsReview),
    fresh.map((item) => item.handled!.processed !== false),
  ]);
}
