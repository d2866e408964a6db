import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/require-admin.ts";
import { rewardStates } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { ApiError } from "../../http/errors.ts";
import { adminErrors, commonErrors, createRouter, errorResponse } from "../../http/openapi.ts";
import { findingKinds, kindDescriptions } from "./kinds.ts";
import { chainFailure } from "./reconcile.ts";
import { reconcileRunner } from "./runner.ts";
import { publicVerification } from "./public-verify.ts";
import { verifyOrder } from "./verify.ts";

/** A ledger row as a report shows it (tampered values included). */
const LedgerSide = z.object({
  rewardId: z.uuid(),
  orderReference: z.string(),
  state: z.enum(rewardStates),
  referrerWallet: z.string(),
  tokenAmount: z.string().nullable(),
  txHash: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
});

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
    ledger: LedgerSide.nullable(),
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

const PublicVerification = z
  .object({
    orderReference: z.string(),
    orderRef: z.string().openapi({ description: "keccak256(orderReference)" }),
    chainId: z.number().int(),
    contract: z.string(),
    block: z.number().int().openapi({ description: "The block everything on-chain was read at" }),
    paidOrders: z.boolean(),
    payment: z.object({ referrer: z.string(), amount: z.string() }).nullable(),
    events: z.array(
      z.object({
        txHash: z.string(),
        blockNumber: z.number().int(),
        logIndex: z.number().int(),
        referrer: z.string(),
        amount: z.string(),
      }),
    ),
    ledger: LedgerSide.extend({ chainId: z.number().int() })
      .nullable()
      .openapi({ description: "Null when there is no row, or when the order is not paid on-chain (not disclosed)" }),
    ledgerDisclosed: z.boolean(),
    ledgerOtherChain: z.boolean(),
    findings: z.array(
      z.object({ kind: z.enum(findingKinds), severity: z.enum(["mismatch", "warning"]), message: z.string() }),
    ),
    agrees: z.boolean().openapi({ description: "No mismatch between the ledger and the chain" }),
  })
  .openapi("OrderVerification");

const Query = z.object({
  limit: z.coerce.number().int().min(0).max(1000).default(100).openapi({ description: "Findings listed at most" }),
});

/** A chain problem is the upstream's, not ours: 502 with what viem says, never a 500. */
function chainError(error: unknown): never {
  const failure = chainFailure(error);
  throw failure ? new ApiError(502, failure.code, failure.message) : error;
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

  router.openapi(
    createRoute({
      method: "get",
      path: "/verify/{orderReference}",
      tags: ["audit"],
      summary: "One order's on-chain proof and whether the ledger agrees (public)",
      description:
        "paidOrders, paymentOf and the ReferralPaid event(s) as the server reads them, and the ledger's verdict. " +
        "The ledger row's terms are shown only when the order is paid on-chain, where the chain discloses them anyway.",
      request: {
        params: z.object({
          orderReference: z
            .string()
            .min(1)
            .max(200)
            .openapi({ description: "The order reference as the shop knows it" }),
        }),
      },
      responses: {
        200: { content: { "application/json": { schema: PublicVerification } }, description: "The verification" },
        ...commonErrors,
        502: errorResponse("The chain could not be read, or the RPC serves another chain"),
      },
    }),
    async (c) => {
      const { orderReference } = c.req.valid("param");
      const verification = await verifyOrder(
        { db: deps.db, client: deps.chain.client, deployment: deps.chain.deployment },
        orderReference,
      ).catch(chainError);
      return c.json(publicVerification(verification), 200);
    },
  );

  return router;
}
