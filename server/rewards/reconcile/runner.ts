// One reconciliation run at a time per server: it reads the whole chain history, so concurrent
// callers share the run in progress, and a caller content with a recent report (the analytics
// status) takes the last one instead of starting another. The REST report asks for a fresh run.
import type { AppDeps } from "../../deps.ts";
import { type ReconcileReport, reconcileLedger } from "./reconcile.ts";

export interface ReconcileRunner {
  /** A report at most `maxAgeMs` old: the last one, the run in progress, or a new run. */
  latest(maxAgeMs: number): Promise<ReconcileReport>;
}

const runners = new WeakMap<object, ReconcileRunner>();

/** The runner of this server (one per `deps`, shared by every route that reconciles). */
export function reconcileRunner(deps: Pick<AppDeps, "db" | "chain">, now: () => number = Date.now): ReconcileRunner {
  let runner = runners.get(deps);
  if (!runner) {
    runner = createRunner(deps, now);
    runners.set(deps, runner);
  }
  return runner;
}

function createRunner(deps: Pick<AppDeps, "db" | "chain">, now: () => number): ReconcileRunner {
  let last: { report: ReconcileReport; at: number } | undefined;
  let running: Promise<ReconcileReport> | undefined;
  return {
    latest(maxAgeMs) {
      if (last && maxAgeMs > 0 && now() - last.at < maxAgeMs) return Promise.resolve(last.report);
      return (running ??= reconcileLedger({ db: deps.db, client: deps.chain.client, deployment: deps.chain.deployment })
        .then((report) => {
          last = { report, at: now() };
          return report;
        })
        .finally(() => {
          running = undefined;
        }));
    },
  };
}
