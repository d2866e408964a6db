// Sends due deliveries: claims them with a lease (replicas skip each other's rows), POSTs the signed
// event, and records the attempt. A delivery is sent at least once: a dispatcher that dies between
// the POST and the record leaves a lease that expires, and the next one sends it again with the
// same idempotency key (the event id).
import { eq, inArray, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../db/client.ts";
import { eventDeliveries, eventDeliveryAttempts, eventEndpoints, hostEvents } from "../db/schema.ts";
import { SIGNATURE_HEADER, signHostEvent } from "./signature.ts";

export interface DispatchSettings {
  /** Deliveries claimed per round. */
  batchSize: number;
  /** Per request. */
  timeoutMs: number;
  /** The first retry's delay; each further one doubles it (capped at maxDelayMs), ±20% jitter. */
  retryBaseMs: number;
  maxDelayMs: number;
  /** After this many failed attempts a delivery is `failed` until an admin re-sends it. */
  maxAttempts: number;
}

export interface DispatchContext {
  db: Db;
  logger: Logger;
  settings: DispatchSettings;
}

export interface AttemptResult {
  deliveryId: number;
  delivered: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

interface Claimed {
  id: number;
  attempts: number;
  eventId: string;
  endpointId: string;
}

export const USER_AGENT = "Refcodes-Events/1";

/** The exact bytes POSTed (and signed): the event envelope. */
export const eventBody = (event: typeof hostEvents.$inferSelect) =>
  JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.payload });

export function retryDelayMs(settings: DispatchSettings, attempts: number, random = Math.random): number {
  const exponential = Math.min(settings.retryBaseMs * 2 ** Math.max(0, attempts - 1), settings.maxDelayMs);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

const leaseInterval = (ctx: DispatchContext) => sql`make_interval(secs => ${(ctx.settings.timeoutMs + 30_000) / 1000})`;

type ClaimedRow = { id: string; attempts: number; event_id: string; endpoint_id: string };

const toClaimed = (rows: ClaimedRow[]): Claimed[] =>
  rows.map((row) => ({
    id: Number(row.id),
    attempts: row.attempts,
    eventId: row.event_id,
    endpointId: row.endpoint_id,
  }));

/** Claims due deliveries of active endpoints; the lease covers one request plus its record. */
async function claimDue(ctx: DispatchContext): Promise<Claimed[]> {
  const { rows } = await ctx.db.execute<ClaimedRow>(sql`
    update event_deliveries set attempts = attempts + 1, lease_until = now() + ${leaseInterval(ctx)}
    where id in (
      select d.id from event_deliveries d join event_endpoints e on e.id = d.endpoint_id and e.active
      where d.state = 'pending' and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())
      order by d.next_attempt_at limit ${ctx.settings.batchSize}
      for update of d skip locked)
    returning id, attempts, event_id, endpoint_id`);
  return toClaimed(rows);
}

/** Starts a delivery over and leases it in one statement: were the reset and the claim two, a polling
 *  dispatcher could take the freshly due delivery in between and the admin would be told it is busy. */
async function claimForResend(ctx: DispatchContext, id: number): Promise<Claimed[]> {
  const { rows } = await ctx.db.execute<ClaimedRow>(sql`
    update event_deliveries d set state = 'pending', attempts = 1, next_attempt_at = now(),
      lease_until = now() + ${leaseInterval(ctx)}
    from event_endpoints e
    where d.id = ${id} and e.id = d.endpoint_id and e.active and (d.lease_until is null or d.lease_until < now())
    returning d.id, d.attempts, d.event_id, d.endpoint_id`);
  return toClaimed(rows);
}

async function post(
  url: string,
  secret: string,
  event: typeof hostEvents.$inferSelect,
  attempt: number,
  timeoutMs: number,
) {
  const body = eventBody(event);
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      redirect: "manual", // a redirect is a misconfigured endpoint, not a place to resend the event
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "idempotency-key": event.id,
        "refcodes-event-id": event.id,
        "refcodes-event-type": event.type,
        "refcodes-delivery-attempt": String(attempt),
        [SIGNATURE_HEADER]: signHostEvent(secret, Math.floor(Date.now() / 1000), body),
      },
      body,
    });
    const text = (await response.text().catch(() => "")).slice(0, 1024);
    return { status: response.status, error: response.ok ? null : `HTTP ${response.status}`, text, started };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    const message =
      (error as Error).name === "TimeoutError"
        ? `timed out after ${timeoutMs} ms`
        : (cause ?? (error as Error)).message;
    return { status: null, error: message, text: null, started };
  }
}

async function deliver(ctx: DispatchContext, claimed: Claimed[], trigger: string): Promise<AttemptResult[]> {
  if (claimed.length === 0) return [];
  const [events, endpoints] = await Promise.all([
    ctx.db
      .select()
      .from(hostEvents)
      .where(inArray(hostEvents.id, [...new Set(claimed.map((c) => c.eventId))])),
    ctx.db
      .select()
      .from(eventEndpoints)
      .where(inArray(eventEndpoints.id, [...new Set(claimed.map((c) => c.endpointId))])),
  ]);
  const eventOf = new Map(events.map((event) => [event.id, event]));
  const endpointOf = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
  return Promise.all(
    claimed.map(async (delivery): Promise<AttemptResult> => {
      const endpoint = endpointOf.get(delivery.endpointId)!;
      const sent = await post(
        endpoint.url,
        endpoint.secret,
        eventOf.get(delivery.eventId)!,
        delivery.attempts,
        ctx.settings.timeoutMs,
      );
      const durationMs = Math.round(performance.now() - sent.started);
      const delivered = sent.error === null;
      const exhausted = !delivered && delivery.attempts >= ctx.settings.maxAttempts;
      await ctx.db.transaction(async (tx) => {
        await tx.insert(eventDeliveryAttempts).values({
          deliveryId: delivery.id,
          status: sent.status,
          error: sent.error,
          responseBody: sent.text,
          durationMs,
          trigger,
        });
        await tx
          .update(eventDeliveries)
          .set({
            state: delivered ? "delivered" : exhausted ? "failed" : "pending",
            lastStatus: sent.status,
            lastError: sent.error,
            leaseUntil: null,
            deliveredAt: delivered ? sql`now()` : undefined,
            nextAttemptAt:
              delivered || exhausted
                ? undefined
                : sql`now() + make_interval(secs => ${retryDelayMs(ctx.settings, delivery.attempts) / 1000})`,
          })
          .where(eq(eventDeliveries.id, delivery.id));
      });
      if (!delivered)
        ctx.logger.warn(
          {
            deliveryId: delivery.id,
            endpointId: endpoint.id,
            attempt: delivery.attempts,
            status: sent.status,
            error: sent.error,
          },
          exhausted ? "event delivery failed for good" : "event delivery failed; will retry",
        );
      return { deliveryId: delivery.id, delivered, status: sent.status, error: sent.error, durationMs };
    }),
  );
}

/** One round: every due delivery up to the batch size. */
export async function dispatchDueDeliveries(ctx: DispatchContext): Promise<AttemptResult[]> {
  return deliver(ctx, await claimDue(ctx), "dispatcher");
}

/**
 * An admin's re-send: the delivery starts over (attempts from zero, pending) and is sent now. Returns
 * undefined when another dispatcher holds it this moment or its endpoint is inactive.
 */
export async function resendDelivery(
  ctx: DispatchContext,
  id: number,
  trigger: string,
): Promise<AttemptResult | undefined> {
  const [result] = await deliver(ctx, await claimForResend(ctx, id), trigger);
  return result;
}
