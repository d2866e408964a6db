// `/graphql` (GET and POST): the analytics GraphQL on graphql-yoga, behind the SIWE session.
// Anonymous requests are answered 401 before GraphQL sees them: no data, no schema.
import { Hono } from "hono";
import { createYoga } from "graphql-yoga";
import type { Logger } from "pino";
import { loadSession } from "../auth/sessions.ts";
import type { AppDeps } from "../deps.ts";
import { bodyLimit } from "../http/body-limit.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { analyticsLimits } from "./limits.ts";
import { createReconciliationStatus } from "./reconciliation.ts";
import { type AnalyticsContext, analyticsSchema } from "./schema.ts";
import type { Viewer } from "./scope.ts";
import { createWalletLoader } from "./wallets.ts";

export const GRAPHQL_PATH = "/graphql";

/** Yoga logs through pino, so its lines carry the same format as everything else. */
function yogaLogger(logger: Logger) {
  const log =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      const error = args.find((arg) => arg instanceof Error) as (Error & { originalError?: unknown }) | undefined;
      const text = args.filter((arg) => typeof arg === "string").join(" ");
      // A masked resolver error arrives wrapped in a GraphQLError: the original has the stack.
      const err = error?.originalError ?? error;
      logger[level](err ? { err } : {}, `graphql: ${text || error?.message || "event"}`);
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

export function analyticsRoutes(deps: AppDeps) {
  const yoga = createYoga<{ viewer: Viewer; walletsOf: AnalyticsContext["walletsOf"] }>({
    schema: analyticsSchema({
      db: deps.db,
      viewsSchema: deps.config.indexerViewsSchema,
      reconciliation: createReconciliationStatus(deps),
    }),
    graphqlEndpoint: GRAPHQL_PATH,
    plugins: analyticsLimits(),
    // GraphiQL would load its assets from a CDN; admins use their own client (introspection works for them).
    graphiql: false,
    landingPage: false,
    // Cookie-authenticated: never readable cross-origin.
    cors: false,
    // Resolver errors other than GraphQLError become "Unexpected error." and are logged.
    maskedErrors: true,
    logging: yogaLogger(deps.logger),
  });

  const router = new Hono<AppEnv>();
  router.on(
    ["GET", "POST"],
    GRAPHQL_PATH,
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new ApiError(413, "payload_too_large", "request body exceeds 64 KiB");
      },
    }),
    async (c) => {
      const session = await loadSession(c, deps.db);
      if (!session) {
        return c.json(
          {
            errors: [
              {
                message: "sign in with Ethereum first: analytics need a session",
                extensions: { code: "UNAUTHENTICATED" },
              },
            ],
          },
          401,
        );
      }
      // Least privilege when the chain cannot say: the viewer then sees their own data only.
      const admin = await deps.isAdmin(session.wallet).catch((error: unknown) => {
        c.get("logger").warn({ err: error, wallet: session.wallet }, "admin check failed; analytics as a referrer");
        return false;
      });
      const viewer: Viewer = { userId: session.userId, wallet: session.wallet, admin };
      return yoga.fetch(c.req.raw, { viewer, walletsOf: createWalletLoader(deps.db) });
    },
  );
  return router;
}
