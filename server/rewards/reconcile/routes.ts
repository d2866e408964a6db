import { createRoute, z } from "@hono/zod-openapi";
import { BaseError } from "viem";
import { requireAdmin } from "../../auth/require-admin.ts";
import { rewardStates } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { ApiError } from "../../http/errors.ts";
import { adminErrors, commonErrors, createRouter, errorResponse } from "../../http/openapi.ts";
import { findingKinds, kindDescriptions } from "./kinds.ts";
import { ChainMismatchError } from "./reconcile.ts";
import { reconcileRunner } from "./runner.ts";

const Finding = z
  .object({
    kind: z.enum(findingKinds).openapi({
      description: Object.entries(kindDescriptions)
        .map(([kind, text]) => `\`${kind}\`: ${text}`)
        .join("; "),
    }),
    severity: z.enum(["mismatch", "warning"]),
    orderRef: z.string(),
    orderReference: z.string().nullable(),
    message: z.string(),
    ledger: z
      .object({
        rewardId: z.uuid(),
        orderReference: z.string(),
        state: z.enum(rewardStates),
        referrerWallet: z.string(),
        tokenAmount: z.string().nullable(),
        txHash: z.string().nullable(),
        blockNumber: z.number().int().nullable(),
      })
      .nullable(),
    chain: z
      .object({
        referrer: z.string(),
        amount: z.string().openapi({ description: "paymentOf's amount, in the token's smallest unit" }),
        txHash: z.string().nullable().openapi({ description: "The ReferralPaid event's transaction" }),
        blockNumber: z.number().int().nullable(),
      })
      .nullable(),
  })
  .openapi("ReconcileFinding");

const Report = z
  .object({
    ok: z.boolean().openapi({ description: "No mismatches (warnings allowed)" }),
    chainId: z.number().int(),
    contract: z.string(),
    fromBlock: z.number().int(),
    toBlock: z.number().int(),
    checkedAt: z.iso.datetime(),
    mintingGraceSeconds: z.number().int(),
    ledgerRows: z.number().int().openapi({ description: "Rewards of the deployment's chain compared" }),
    onChainPayments: z.number().int().openapi({ description: "Orders with a ReferralPaid event" }),
    counts: z.object({
      mismatches: z.number().int(),
      warnings: z.number().int(),
      byKind: z.record(z.enum(findingKinds), z.number().int()),
    }),
    findings: z.array(Finding).openapi({ description: "Mismatches first; at most `limit`" }),
    truncated: z.boolean().openapi({ description: "More findings exist than were listed" }),
  })
  .openapi("ReconcileReport");

const Query = z.object({
  limit: z.coerce.number().int().min(0).max(1000).default(100).openapi({ description: "Findings listed at most" }),
});

/** A chain problem is the upstream's, not ours: 502 with what viem says, never a 500. */
function chainError(error: unknown): never {
  if (error instanceof ChainMismatchError) throw new ApiError(502, "chain_mismatch", error.message);
  if (error instanceof BaseError) throw new ApiError(502, "chain_unavailable", `chain: ${error.shortMessage}`);
  throw error;
}

export function reconcileRoutes(deps: AppDeps) {
  const router = createRouter();
  // A fresh run, shared with concurrent requests (and the analytics status): an impatient admin
  // does not multiply the RPC load.
  const runner = reconcileRunner(deps);
  const reconcile = () => runner.latest(0).catch(chainError);

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/reconcile",
      tags: ["audit", "admin"],
      summary: "Reconcile the ledger with the chain (paidOrders/paymentOf and ReferralPaid events)",
      middleware: [requireAdmin(deps)] as const,
      request: { query: Query },
      responses: {
        200: { content: { "application/json": { schema: Report } }, description: "The reconciliation report" },
        ...commonErrors,
        ...adminErrors,
        502: errorResponse("The chain could not be read, or the RPC serves another chain"),
      },
    }),
    async (c) => {
      const { limit } = c.req.valid("query");
      const report = await reconcile();
      return c.json(
        { ...report, findings: report.findings.slice(0, limit), truncated: report.findings.length > limit },
        200,
      );
    },
  );

  return router;
}
