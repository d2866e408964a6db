// The reconciliation status for admins: a summary of the same ledger ↔ chain run as
// `GET /api/admin/reconcile` and `npm run audit` (server/rewards/reconcile/reconcile.ts), not a
// second implementation. A run reads the whole chain history, so the last report is reused for
// a minute unless a refresh is asked for; the run is the server's one (runner.ts), shared with
// the REST report.
import { GraphQLError } from "graphql";
import type { AppDeps } from "../deps.ts";
import { findingKinds, isMismatch } from "../rewards/reconcile/kinds.ts";
import { chainFailure, type ReconcileReport } from "../rewards/reconcile/reconcile.ts";
import { reconcileRunner } from "../rewards/reconcile/runner.ts";

const REUSE_MS = 60_000;

export interface ReconciliationSummary {
  ok: boolean;
  checkedAt: string;
  chainId: number;
  contract: string;
  fromBlock: bigint;
  toBlock: bigint;
  ledgerRows: number;
  onChainPayments: number;
  /** Ledger rows without any mismatch (warnings allowed). */
  agreeingOrders: number;
  /** Orders (ledger rows or on-chain payments) with at least one mismatch. */
  disagreeingOrders: number;
  mismatches: number;
  warnings: number;
  byKind: { kind: string; severity: "mismatch" | "warning"; count: number }[];
}

export function summarize(report: ReconcileReport): ReconciliationSummary {
  const mismatches = report.findings.filter((finding) => finding.severity === "mismatch");
  const disagreeing = new Set(mismatches.map((finding) => finding.orderRef.toLowerCase()));
  const disagreeingRows = new Set(mismatches.flatMap((finding) => (finding.ledger ? [finding.ledger.rewardId] : [])));
  return {
    ok: report.ok,
    checkedAt: report.checkedAt,
    chainId: report.chainId,
    contract: report.contract,
    fromBlock: BigInt(report.fromBlock),
    toBlock: BigInt(report.toBlock),
    ledgerRows: report.ledgerRows,
    onChainPayments: report.onChainPayments,
    agreeingOrders: report.ledgerRows - disagreeingRows.size,
    disagreeingOrders: disagreeing.size,
    mismatches: report.counts.mismatches,
    warnings: report.counts.warnings,
    byKind: findingKinds.map((kind) => ({
      kind,
      severity: isMismatch(kind) ? "mismatch" : "warning",
      count: report.counts.byKind[kind],
    })),
  };
}

/** A chain problem is the upstream's: named, with its own code, never masked as internal. */
function chainError(error: unknown): never {
  const failure = chainFailure(error);
  throw failure ? new GraphQLError(failure.message, { extensions: { code: failure.code.toUpperCase() } }) : error;
}

export function createReconciliationStatus(deps: Pick<AppDeps, "db" | "chain">) {
  const runner = reconcileRunner(deps);
  return async function reconciliationStatus(refresh: boolean): Promise<ReconciliationSummary> {
    return summarize(await runner.latest(refresh ? 0 : REUSE_MS).catch(chainError));
  };
}

export type ReconciliationStatus = ReturnType<typeof createReconciliationStatus>;
