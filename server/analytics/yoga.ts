// The analytics GraphQL server (graphql-yoga over the analytics schema). Its own module so that
// graphql-yoga and graphql, about a second of module loading, load on the first /graphql request
// rather than with every server.
import { createYoga } from "graphql-yoga";
import type { Logger } from "pino";
import type { AppDeps } from "../deps.ts";
import { analyticsLimits } from "./limits.ts";
import { createReconciliationStatus } from "./reconciliation.ts";
import { GRAPHQL_PATH } from "./routes.ts";
import { type AnalyticsContext, analyticsSchema } from "./schema.ts";
import type { Viewer } from "./scope.ts";

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

export function createAnalyticsYoga(deps: AppDeps) {
  return createYoga<{ viewer: Viewer; walletsOf: AnalyticsContext["walletsOf"] }>({
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
}
