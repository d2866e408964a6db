// GET /api/app-config: what the browser app needs at start that is not in its build — where it
// can reach the chain, transaction links, optional integrations. The contract's address is not
// here on purpose: the app has it from deployments/ at build time.
import { createRoute, z } from "@hono/zod-openapi";
import { LOCAL_PAYMENT_CREDENTIALS } from "../config.ts";
import type { AppDeps } from "../deps.ts";
import { createRouter } from "../http/openapi.ts";

const AppConfig = z
  .object({
    chainId: z.number().int(),
    rpcUrl: z.string().openapi({ description: "A JSON-RPC URL browsers can reach (PUBLIC_RPC_URL, else RPC_URL)" }),
    explorerTxUrl: z.string().nullable(),
    walletConnectProjectId: z.string().nullable(),
    indexerUrl: z.string().nullable(),
    simulatePayments: z.boolean().openapi({
      description: "The local network with its test WayForPay key: the demo store may simulate the provider",
    }),
  })
  .openapi("AppConfig");

export function appConfigRoutes(deps: AppDeps) {
  const router = createRouter();
  const { config, chain } = deps;
  const body = {
    chainId: chain.chainId,
    rpcUrl: config.app.publicRpcUrl ?? chain.rpcUrl,
    explorerTxUrl: config.app.explorerTxUrl ?? null,
    walletConnectProjectId: config.app.walletConnectProjectId ?? null,
    indexerUrl: config.app.indexerPublicUrl ?? null,
    simulatePayments:
      config.network === "local" && config.wayforpay?.secretKey === LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey,
  };
  router.openapi(
    createRoute({
      method: "get",
      path: "/app-config",
      tags: ["app"],
      summary: "The browser app's runtime configuration",
      responses: { 200: { content: { "application/json": { schema: AppConfig } }, description: "The configuration" } },
    }),
    (c) => {
      c.header("Cache-Control", "no-cache");
      return c.json(body, 200);
    },
  );
  return router;
}
