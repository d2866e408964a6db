// Builds the Hono application from its dependencies. No I/O happens here; see main.ts.
import { Scalar } from "@scalar/hono-api-reference";
import { sql } from "drizzle-orm";
import { bodyLimit } from "./http/body-limit.ts";
import { HTTPException } from "hono/http-exception";
import { analyticsRoutes } from "./analytics/routes.ts";
import { appConfigRoutes } from "./app-config/routes.ts";
import { simulateRoutes } from "./dev/simulate-routes.ts";
import { NONCE_TTL_SECONDS, purgeExpiredNonces } from "./auth/nonces.ts";
import { authRoutes } from "./auth/routes.ts";
import { purgeExpiredSessions } from "./auth/sessions.ts";
import { creditRoutes } from "./credit/routes.ts";
import type { AppDeps } from "./deps.ts";
import { GroupCommitUnavailableError } from "./db/group-commit.ts";
import { ApiError, notFound } from "./http/errors.ts";
import { requestLogging } from "./http/logging.ts";
import { csrfProtection } from "./http/csrf.ts";
import { rateLimits } from "./http/rate-limit.ts";
import { corsPolicy } from "./http/security-cors.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { createRouter } from "./http/openapi.ts";
import { createHostEventDispatcher, type HostEventDispatcher } from "./host-events/service.ts";
import { hostEventRoutes } from "./host-events/routes.ts";
import { hostRoutes, orderRoutes } from "./orders/routes.ts";
import { checkoutRoutes } from "./payments/checkout-routes.ts";
import { paymentAdminRoutes } from "./payments/admin-routes.ts";
import { createPaymentProcessor, type PaymentProcessor } from "./payments/process/process.ts";
import { webhookRoutes } from "./payments/routes.ts";
import { firstTouch } from "./refcodes/first-touch.ts";
import { refcodeRoutes } from "./refcodes/routes.ts";
import { minterRoutes } from "./rewards/minter/routes.ts";
import { createMinterService, type MinterService } from "./rewards/minter/service.ts";
import { reconcileRoutes } from "./rewards/reconcile/routes.ts";
import { adjustmentRoutes } from "./rewards/adjustments-routes.ts";
import { rewardRoutes } from "./rewards/routes.ts";
import { createRewardSweep, type RewardSweep } from "./rewards/tasks/service.ts";
import { rewardTaskRoutes } from "./rewards/tasks/routes.ts";
import { appPages } from "./pages.ts";
import { createRefcodeCache, type RefcodeCache } from "./refcodes/cache.ts";
import { type VisitBeacon, createVisitBeacon } from "./visits/beacon.ts";
import { purgeOldVisitors, schedulePurge } from "./visits/purge.ts";
import { visitRoutes } from "./visits/routes.ts";
import { utcDayNumber, utcDayString } from "./visits/visitor.ts";

export interface ServerApp {
  app: ReturnType<typeof createRouter>;
  beacon: VisitBeacon;
  /** The code lookups of the hot paths (beacon, first-touch capture, resolve). */
  codes: RefcodeCache;
  minter: MinterService;
  rewardSweep: RewardSweep;
  /** The webhooks' group-committed payment processing. */
  payments: PaymentProcessor;
  /** Sends reward events to the hosts' endpoints. */
  hostEvents: HostEventDispatcher;
  /** Flushes buffered work; call before closing the database. */
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): ServerApp {
  const app = createRouter();
  const codes = createRefcodeCache(deps.db);
  const beacon = createVisitBeacon(deps);
  const minter = createMinterService(deps);
  const rewardSweep = createRewardSweep(deps);
  const payments = createPaymentProcessor(deps);
  const hostEvents = createHostEventDispatcher(deps);
  const purgeFailed = (rows: string) => (error: unknown) => deps.logger.warn({ err: error }, `purging ${rows} failed`);
  const stopPurges = [
    schedulePurge(
      () => purgeOldVisitors(deps.db, utcDayString(utcDayNumber(beacon.now()))),
      purgeFailed("old visitor rows"),
      3_600_000,
    ),
    // Expired nonces and sessions are never accepted; deleting them keeps the tables small.
    schedulePurge(
      () => Promise.all([purgeExpiredNonces(deps.db), purgeExpiredSessions(deps.db)]),
      purgeFailed("expired nonces and sessions"),
      NONCE_TTL_SECONDS * 1000,
    ),
  ];

  app.use("*", requestLogging(deps.logger));
  app.use("*", deps.metrics.middleware);
  app.use("*", securityHeaders(deps.config, deps.chain)); // SECURITY.md: headers, CORS, CSRF, rate limits
  const cors = corsPolicy(deps.config);
  if (cors) app.use("*", cors);
  app.use("*", csrfProtection(deps.config));
  // Only the limited routes pay for the limiter (the beacon's throughput is measured).
  const limits = rateLimits(deps.config);
  for (const path of limits.paths) app.use(path, limits.middleware);
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new ApiError(413, "payload_too_large", "request body exceeds 64 KiB");
      },
    }),
  );

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await deps.db.execute(sql`select 1`);
      return c.json({ status: "ready" });
    } catch (error) {
      return c.json({ status: "not_ready", message: `database: ${(error as Error).message}` }, 503);
    }
  });
  app.get("/metrics", async (c) => {
    c.header("Content-Type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });

  app.route("/api/auth", authRoutes(deps));
  app.route("/api/refcodes", visitRoutes(deps, beacon, codes));
  app.route("/api/refcodes", refcodeRoutes(deps, codes));
  app.route("/api", orderRoutes(deps));
  app.route("/api", creditRoutes(deps));
  app.route("/api", rewardRoutes(deps));
  app.route("/api", adjustmentRoutes(deps));
  app.route("/api", minterRoutes(deps, minter));
  app.route("/api", reconcileRoutes(deps));
  app.route("/api", rewardTaskRoutes(deps, rewardSweep));
  app.route("/api", webhookRoutes(deps, payments));
  app.route("/api", paymentAdminRoutes(deps));
  app.route("/api", hostEventRoutes(deps, hostEvents));
  app.route("/api", checkoutRoutes(deps));
  app.route("/api/v1", hostRoutes(deps));
  app.route("/api", appConfigRoutes(deps));
  app.route("/api", simulateRoutes(deps)); // local network only: the demo store's payment provider
  app.route("/", analyticsRoutes(deps)); // /graphql

  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Refcodes API",
      version: "1.0.0",
      description: "Referral codes, attribution, orders and credit. Errors are JSON: {error, message}.",
    },
  });
  app.get("/api/docs", Scalar({ url: "/api/openapi.json", pageTitle: "Refcodes API" }));
  app.all("/api/*", (c) => {
    throw notFound("not_found", `no route ${c.req.method} ${c.req.path}`);
  });

  // Pages of the app: first-touch capture runs on every page request.
  app.use("*", firstTouch(deps.config, codes.resolve));
  app.route("/", appPages(deps.config.app.distDir));

  app.onError((error, c) => {
    const requestId = c.get("requestId");
    if (error instanceof ApiError) {
      return c.json({ error: error.code, message: error.message, requestId, details: error.details }, error.status);
    }
    if (error instanceof GroupCommitUnavailableError) {
      c.header("Retry-After", "1");
      return c.json({ error: "unavailable", message: `not stored: ${error.message}; retry`, requestId }, 503);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const message = error.message || "bad request";
      const code = /json/i.test(message) ? "malformed_json" : "bad_request";
      return c.json({ error: code, message, requestId }, error.status);
    }
    (c.get("logger") ?? deps.logger).error({ err: error }, "unhandled error");
    return c.json(
      { error: "internal", message: "internal error; the request id identifies it in the logs", requestId },
      500,
    );
  });

  return {
    app,
    beacon,
    codes,
    minter,
    rewardSweep,
    payments,
    hostEvents,
    close: async () => {
      for (const stop of stopPurges) stop();
      await hostEvents.close();
      await payments.close();
      await rewardSweep.close();
      await minter.close();
      await beacon.close();
    },
  };
}
