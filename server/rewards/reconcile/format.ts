// Plain-text output of the audit and verify-order CLIs: one finding per line, then what the
// kinds mean, so a report pasted into a ticket explains itself.
import { type IndexerReport, indexerKindDescriptions } from "./indexer.ts";
import { kindDescriptions } from "./kinds.ts";
import type { Finding } from "./report.ts";
import type { ReconcileReport } from "./reconcile.ts";
import type { OrderVerification } from "./verify.ts";

/** One line per finding (severity, kind, what it is about), its message indented below. */
function findingLines(findings: readonly { severity: string; kind: string; subject: string; message: string }[]) {
  const width = Math.max(0, ...findings.map((f) => f.kind.length));
  return findings.map(
    (f) =>
      `${f.severity === "mismatch" ? "MISMATCH" : "warning "} ${f.kind.padEnd(width)}  ${f.subject}\n    ${f.message}`,
  );
}

/** What each kind that occurs means. */
function legend<Kind extends string>(findings: readonly { kind: Kind }[], descriptions: Record<Kind, string>) {
  const kinds = [...new Set(findings.map((f) => f.kind))];
  return kinds.length === 0 ? [] : ["", "kinds:", ...kinds.map((kind) => `  ${kind}: ${descriptions[kind]}`)];
}

/** Ledger findings are about an order: its reference and orderRef. */
const orderLines = (findings: readonly Finding[]) =>
  findingLines(
    findings.map((f) => ({ ...f, subject: f.orderReference ? `${f.orderReference} (${f.orderRef})` : f.orderRef })),
  );

const tally = (byKind: Record<string, number>, kinds: readonly Finding[]) =>
  [...new Set(kinds.map((f) => f.kind))].map((kind) => `${kind} ${byKind[kind]}`).join(", ");

export function formatReport(report: ReconcileReport, source: string): string {
  const mismatches = report.findings.filter((f) => f.severity === "mismatch");
  const warnings = report.findings.filter((f) => f.severity === "warning");
  const { counts } = report;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : word.endsWith("h") ? "es" : "s"}`;
  const verdict = report.ok
    ? `OK: no mismatches${warnings.length ? ` (${plural(counts.warnings, "warning")}: ${tally(counts.byKind, warnings)})` : ""}`
    : `FAILED: ${plural(counts.mismatches, "mismatch")} (${tally(counts.byKind, mismatches)})` +
      (warnings.length ? `; ${plural(counts.warnings, "warning")} (${tally(counts.byKind, warnings)})` : "");
  return [
    `ledger vs chain: ReferralRewards ${report.contract} on chain ${report.chainId}, blocks ${report.fromBlock}..${report.toBlock} (${source})`,
    `checked ${plural(report.ledgerRows, "ledger row")} and ${plural(report.onChainPayments, "on-chain payment")} (ReferralPaid); minting grace ${report.mintingGraceSeconds} s`,
    ...(report.findings.length ? ["", ...orderLines(report.findings)] : []),
    ...legend(report.findings, kindDescriptions),
    "",
    verdict,
  ].join("\n");
}

export function formatIndexerReport(report: IndexerReport): string {
  const { counts } = report;
  const header = report.checked
    ? `indexer vs chain and ledger: views "${report.viewsSchema}", indexed to block ${report.indexedBlock}; ` +
      `checked ${report.payouts} payouts and ${report.referrers} referrers`
    : `indexer: views "${report.viewsSchema}" not checked`;
  return [
    header,
    ...(report.findings.length ? ["", ...findingLines(report.findings)] : []),
    ...legend(report.findings, indexerKindDescriptions),
    "",
    report.ok
      ? `indexer OK: no mismatches${counts.warnings ? ` (${counts.warnings} warning${counts.warnings === 1 ? "" : "s"})` : ""}`
      : `indexer FAILED: ${counts.mismatches} mismatch${counts.mismatches === 1 ? "" : "es"}`,
  ].join("\n");
}

export function formatVerification(v: OrderVerification, source: string): string {
  const rows: [string, string][] = [
    ["order reference", v.orderReference],
    ["orderRef", `${v.orderRef} = keccak256("${v.orderReference}")`],
    ["contract", `${v.contract} on chain ${v.chainId}, read at block ${v.block} (${source})`],
    ["paidOrders", String(v.paidOrders)],
    ["paymentOf", v.payment ? `referrer ${v.payment.referrer}, amount ${v.payment.amount}` : "not paid (zero)"],
  ];
  if (v.events.length === 0) rows.push(["ReferralPaid", "no event"]);
  for (const e of v.events) {
    rows.push([
      "ReferralPaid",
      `tx ${e.txHash}, block ${e.blockNumber}, log ${e.logIndex}: referrer ${e.referrer}, amount ${e.amount}`,
    ]);
  }
  const l = v.ledger;
  rows.push([
    "ledger",
    l
      ? `reward ${l.rewardId}: ${l.state}, referrer ${l.referrerWallet}, amount ${l.tokenAmount ?? "-"}, ` +
        `tx ${l.txHash ?? "-"}, block ${l.blockNumber ?? "-"}` +
        (l.orderReference === v.orderReference ? "" : ` (its order_reference is "${l.orderReference}")`) +
        (v.ledgerOtherChain ? ` — on chain ${l.chainId}, not this deployment's: not compared` : "")
      : "no row",
  ]);
  rows.push([
    "ledger agrees",
    v.agrees
      ? v.findings.length
        ? "yes, with warnings"
        : v.payment
          ? "yes: minted, to the same referrer, the same amount"
          : "yes: not paid on-chain and not minted in the ledger"
      : "NO",
  ]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    ...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
    ...(v.findings.length ? ["", ...orderLines(v.findings)] : []),
    ...legend(v.findings, kindDescriptions),
  ].join("\n");
}
