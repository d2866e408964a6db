import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "../http/context.ts";
import { forbidden, unauthorized } from "../http/errors.ts";
import { loadSession } from "./sessions.ts";

/** Signed in with a wallet that is an admin (ADMIN_WALLETS or DEFAULT_ADMIN_ROLE on-chain). */
export function requireAdmin(deps: Pick<AppDeps, "db" | "isAdmin">): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = await loadSession(c, deps.db);
    if (!session) throw unauthorized();
    if (!(await deps.isAdmin(session.wallet))) throw forbidden(`${session.wallet} is not an admin wallet`);
    await next();
  };
}
