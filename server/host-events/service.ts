// The host-event dispatcher inside the server: a round every HOST_EVENTS_POLL_MS, more rounds at
// once while a round comes back full. Every replica runs one; the lease in dispatch.ts keeps them
// off each other's deliveries.
import type { AppDeps } from "../deps.ts";
import { type AttemptResult, type DispatchContext, dispatchDueDeliveries, resendDelivery } from "./dispatch.ts";

const BATCH_SIZE = 50;

export interface HostEventDispatcher {
  /** One round now (tests, and the timer). */
  runOnce(): Promise<AttemptResult[]>;
  resend(deliveryId: number, trigger: string): Promise<AttemptResult | undefined>;
  close(): Promise<void>;
}

export function createHostEventDispatcher(deps: AppDeps): HostEventDispatcher {
  const settings = deps.config.hostEvents;
  const ctx: DispatchContext = {
    db: deps.db,
    logger: deps.logger.child({ job: "host-events" }),
    settings: { ...settings, batchSize: BATCH_SIZE },
  };
  const counted = (results: AttemptResult[]) => {
    for (const result of results)
      deps.metrics.hostEventAttempts.inc({ outcome: result.delivered ? "delivered" : "failed" });
    return results;
  };
  let running: Promise<AttemptResult[]> | undefined;
  let closed = false;

  const runOnce = () => {
    running ??= (async () => {
      const results: AttemptResult[] = [];
      // A full round means more may be due: keep going (bounded) instead of waiting a poll.
      for (let round = 0; round < 20 && !closed; round++) {
        const sent = counted(await dispatchDueDeliveries(ctx));
        results.push(...sent);
        if (sent.length < BATCH_SIZE) break;
      }
      return results;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer =
    settings.pollMs > 0
      ? setInterval(
          () => void runOnce().catch((error: unknown) => ctx.logger.warn({ err: error }, "host event dispatch failed")),
          settings.pollMs,
        )
      : undefined;
  timer?.unref();

  return {
    runOnce,
    resend: async (deliveryId, trigger) => {
      const result = await resendDelivery(ctx, deliveryId, trigger);
      return result && counted([result])[0];
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
