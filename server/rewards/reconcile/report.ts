// The comparison itself, free of I/O: one ledger row against what the chain stores for its
// orderRef (`paymentOf`) and the ReferralPaid events logged for it. The storage word is the
// truth about money; events only locate the transaction.
import type { Hex } from "viem";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import type { RewardRow } from "../ledger/transition.ts";
import { type OnChainPayment, type PaidEvent, sameTerms } from "../onchain.ts";
import { type FindingKind, findingKinds, isMismatch } from "./kinds.ts";

export type LedgerRow = Pick<
  RewardRow,
  "id" | "orderReference" | "orderRef" | "state" | "referrerWallet" | "tokenAmount" | "txHash" | "blockNumber"
> & { updatedAt: Date };

export type { PaidEvent };

/** The ledger's side of a finding, as stored (tampered values included). */
export interface LedgerSide {
  rewardId: string;
  orderReference: string;
  state: RewardRow["state"];
  referrerWallet: string;
  tokenAmount: string | null;
  txHash: string | null;
  blockNumber: number | null;
}

/** The chain's side: `paymentOf` (referrer, amount) and the first ReferralPaid event's tx. */
export interface ChainSide {
  referrer: string;
  amount: string;
  txHash: string | null;
  blockNumber: number | null;
}

export interface Finding {
  kind: FindingKind;
  severity: "mismatch" | "warning";
  orderRef: string;
  orderReference: string | null;
  message: string;
  ledger: LedgerSide | null;
  chain: ChainSide | null;
}

export interface CompareOptions {
  now: Date;
  /** A `minting` row paid on-chain is in flight this long; after that it is a mismatch. */
  mintingGraceMs: number;
}

/** The default grace: the minter waits 120 s for a receipt and runs every 60 s, so 10 minutes means it is not running. */
export const DEFAULT_MINTING_GRACE_MS = 10 * 60_000;

export const ledgerSide = (row: Omit<LedgerRow, "updatedAt">): LedgerSide => ({
  rewardId: row.id,
  orderReference: row.orderReference,
  state: row.state,
  referrerWallet: row.referrerWallet,
  tokenAmount: row.tokenAmount,
  txHash: row.txHash,
  blockNumber: row.blockNumber,
});

function chainSide(payment: OnChainPayment | undefined, events: readonly PaidEvent[]): ChainSide | null {
  const event = events[0];
  const paid = payment ?? event;
  if (!paid) return null;
  return {
    referrer: paid.referrer,
    amount: paid.amount.toString(),
    txHash: event?.txHash ?? null,
    blockNumber: event ? Number(event.blockNumber) : null,
  };
}

const finding = (
  kind: FindingKind,
  message: string,
  orderRef: string,
  ledger: LedgerSide | null,
  chain: ChainSide | null,
): Finding => ({
  kind,
  severity: isMismatch(kind) ? "mismatch" : "warning",
  orderRef,
  orderReference: ledger?.orderReference ?? null,
  message,
  ledger,
  chain,
});

const txText = (chain: ChainSide | null) =>
  chain?.txHash ? ` in tx ${chain.txHash} (block ${chain.blockNumber})` : "";
const terms = (amount: string | null, to: string) => `${amount ?? "no amount"} to ${to}`;

function expectedOrderRef(orderReference: string): string | undefined {
  return orderReference.length > 0 ? orderRefOf(orderReference) : undefined;
}

/** Everything wrong (or worth a warning) about one in-scope ledger row. */
export function compareRow(
  row: LedgerRow,
  payment: OnChainPayment | undefined,
  events: readonly PaidEvent[],
  options: CompareOptions,
): Finding[] {
  const found: Finding[] = [];
  const ledger = ledgerSide(row);
  const chain = chainSide(payment, events);
  const add = (kind: FindingKind, message: string) => found.push(finding(kind, message, row.orderRef, ledger, chain));
  const ledgerTerms = terms(row.tokenAmount, row.referrerWallet);

  if (expectedOrderRef(row.orderReference) !== row.orderRef.toLowerCase()) {
    add("order_ref_mismatch", `order_ref ${row.orderRef} is not keccak256("${row.orderReference}")`);
  }
  if (!payment) {
    if (row.state === "minted") {
      add(
        "minted_not_paid",
        `ledger: minted ${ledgerTerms}${row.txHash ? ` in tx ${row.txHash}` : ""}; on-chain: not paid`,
      );
    }
    return found;
  }

  const chainTerms = terms(payment.amount.toString(), payment.referrer);
  if (!sameTerms(row, payment)) {
    add("paid_terms_differ", `ledger (${row.state}): ${ledgerTerms}; on-chain: ${chainTerms}${txText(chain)}`);
  }
  if (row.state === "minting") {
    const ageMs = Math.max(0, options.now.getTime() - row.updatedAt.getTime());
    const minutes = Math.floor(ageMs / 60_000);
    if (ageMs <= options.mintingGraceMs) {
      add("in_flight", `minting for ${minutes} min and already paid on-chain${txText(chain)}`);
    } else {
      add(
        "paid_not_minted",
        `minting for ${minutes} min although paid on-chain${txText(chain)}: is the minter running?`,
      );
    }
  } else if (row.state !== "minted") {
    add("paid_not_minted", `ledger state ${row.state}, but paid on-chain ${chainTerms}${txText(chain)}`);
  } else if (chain?.txHash && ledgerTxDiffers(row, chain)) {
    add(
      "ledger_tx_differs",
      `ledger: tx ${row.txHash ?? "-"} block ${row.blockNumber ?? "-"}; ReferralPaid${txText(chain)}`,
    );
  }
  addEventFindings(events, add);
  return found;
}

/** Only what the ledger recorded is compared: rows settled from `paymentOf` alone have no tx hash. */
function ledgerTxDiffers(row: LedgerRow, chain: ChainSide): boolean {
  if (row.txHash !== null && row.txHash.toLowerCase() !== chain.txHash?.toLowerCase()) return true;
  return row.blockNumber !== null && row.blockNumber !== chain.blockNumber;
}

function addEventFindings(events: readonly PaidEvent[], add: (kind: FindingKind, message: string) => void) {
  if (events.length === 0) {
    add("event_not_found", "paymentOf shows the payment, but no ReferralPaid event was found for it");
  } else if (events.length > 1) {
    add("paid_more_than_once", `${events.length} ReferralPaid events: ${events.map((e) => e.txHash).join(", ")}`);
  }
}

/** A payment on-chain whose orderRef has no ledger row for this deployment. */
export function compareUnledgered(
  orderRef: Hex,
  payment: OnChainPayment | undefined,
  events: readonly PaidEvent[],
): Finding[] {
  const chain = chainSide(payment, events);
  if (!chain) return [];
  const found = [
    finding(
      "paid_without_ledger_row",
      `paid on-chain ${terms(chain.amount, chain.referrer)}${txText(chain)}, but the ledger has no row for it`,
      orderRef,
      null,
      chain,
    ),
  ];
  if (events.length > 1)
    addEventFindings(events, (kind, message) => found.push(finding(kind, message, orderRef, null, chain)));
  return found;
}

export interface ReportCounts<Kind extends string = FindingKind> {
  mismatches: number;
  warnings: number;
  byKind: Record<Kind, number>;
}

/** Mismatches, warnings and a count for every kind of `kinds` (zeros included). */
export function countFindings<Kind extends string = FindingKind>(
  findings: readonly { kind: Kind; severity: "mismatch" | "warning" }[],
  kinds: readonly Kind[] = findingKinds as unknown as readonly Kind[],
): ReportCounts<Kind> {
  const byKind = Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<Kind, number>;
  for (const f of findings) byKind[f.kind]++;
  const mismatches = findings.filter((f) => f.severity === "mismatch").length;
  return { mismatches, warnings: findings.length - mismatches, byKind };
}

/** Mismatches first, then by kind and order, so two runs over the same state print the same. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding) => (f.severity === "mismatch" ? 0 : 1);
  return findings.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      findingKinds.indexOf(a.kind) - findingKinds.indexOf(b.kind) ||
      (a.orderReference ?? "").localeCompare(b.orderReference ?? "") ||
      a.orderRef.localeCompare(b.orderRef),
  );
}
