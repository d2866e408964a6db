// `/graphql` (GET and POST): the analytics GraphQL on graphql-yoga, behind the SIWE session.
// Anonymous requests are answered 401 before GraphQL sees them: no data, no schema.
import { Hono } from "hono";
import { loadSession } from "../auth/sessions.ts";
import type { AppDeps } from "../deps.ts";
import { bodyLimit } from "../http/body-limit.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import type { Viewer } from "./scope.ts";
import { createWalletLoader } from "./wallets.ts";

export const GRAPHQL_PATH = "/graphql";

export function analyticsRoutes(deps: AppDeps) {
  // Loaded and built on the first request (see yoga.ts).
  let yoga: Promise<ReturnType<typeof import("./yoga.ts").createAnalyticsYoga>> | undefined;
  const yogaOf = () => (yoga ??= import("./yoga.ts").then((module) => module.createAnalyticsYoga(deps)));

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
      return (await yogaOf()).fetch(c.req.raw, { viewer, walletsOf: createWalletLoader(deps.db) });
    },
  );
  return router;
}
