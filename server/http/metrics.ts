import type { MiddlewareHandler } from "hono";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { AppEnv } from "./context.ts";

export interface Metrics {
  registry: Registry;
  middleware: MiddlewareHandler<AppEnv>;
  beaconBatchSize: Histogram;
  beaconVisitsStored: Counter;
  hostEventAttempts: Counter<"outcome">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "refcodes_" });
  const requests = new Counter({
    name: "refcodes_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "refcodes_http_request_duration_seconds",
    help: "HTTP request duration by route",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const beaconBatchSize = new Histogram({
    name: "refcodes_beacon_batch_size",
    help: "Visits per group commit",
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500],
    registers: [registry],
  });
  const beaconVisitsStored = new Counter({
    name: "refcodes_beacon_visits_total",
    help: "Beacon visits written (before de-duplication)",
    registers: [registry],
  });
  const hostEventAttempts = new Counter({
    name: "refcodes_host_event_attempts_total",
    help: "POSTs of reward events to host endpoints, by outcome (delivered, failed)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const start = performance.now();
    await next();
    const route = c.req.routePath;
    requests.inc({ method: c.req.method, route, status: c.res.status });
    duration.observe({ method: c.req.method, route }, (performance.now() - start) / 1000);
  };
  return { registry, middleware, beaconBatchSize, beaconVisitsStored, hostEventAttempts };
}
