// The full ledger ↔ chain reconciliation: every reward of the deployment's chain against
// `paymentOf`, and every ReferralPaid payment against the ledger. Read-only on both sides; it
// may run while the minter runs, so whatever moved during the run is looked at once more
// before it is reported.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { type Address, BaseError, type Hex, type PublicClient } from "viem";
import type { Deployment } from "../../../deployments/schema.ts";
import type { Db } from "../../db/client.ts";
import { rewards } from "../../db/schema.ts";
import { type OnChainPayment, type PaidEvent, paymentsOf, readPaidEvents } from "../onchain.ts";
import {
  type CompareOptions,
  compareRow,
  compareUnledgered,
  countFindings,
  DEFAULT_MINTING_GRACE_MS,
  type Finding,
  type LedgerRow,
  type ReportCounts,
  sortFindings,
} from "./report.ts";

export interface ReconcileContext {
  db: Db;
  client: PublicClient;
  deployment: Pick<Deployment, "chainId" | "proxy" | "startBlock">;
  mintingGraceMs?: number;
  now?: () => Date;
  /** Ledger rows per page (and per `paymentOf` multicall). */
  pageSize?: number;
  blocksPerQuery?: bigint;
  /** ReferralPaid events already read from the start block to `toBlock` (the audit shares them
   *  with the indexer check); read here when absent. */
  chainEvents?: { events: readonly PaidEvent[]; toBlock: bigint };
}

export interface ReconcileReport {
  /** No mismatches (warnings allowed). */
  ok: boolean;
  chainId: number;
  contract: Address;
  fromBlock: number;
  toBlock: number;
  checkedAt: string;
  mintingGraceSeconds: number;
  ledgerRows: number;
  onChainPayments: number;
  counts: ReportCounts;
  findings: Finding[];
}

/** The RPC serves another chain than the deployment's: comparing would report everything. */
export class ChainMismatchError extends Error {
  override name = "ChainMismatchError";
}

/** Why a reconciliation could not read the chain, for an API to answer with; undefined when the
 *  error is not the chain's (then it is ours and is rethrown as it is). */
export function chainFailure(
  error: unknown,
): { code: "chain_mismatch" | "chain_unavailable"; message: string } | undefined {
  if (error instanceof ChainMismatchError) return { code: "chain_mismatch", message: error.message };
  if (error instanceof BaseError) return { code: "chain_unavailable", message: `chain: ${error.shortMessage}` };
  return undefined;
}

export const ledgerColumns = {
  id: rewards.id,
  orderReference: rewards.orderReference,
  orderRef: rewards.orderRef,
  state: rewards.state,
  referrerWallet: rewards.referrerWallet,
  tokenAmount: rewards.tokenAmount,
  txHash: rewards.txHash,
  blockNumber: rewards.blockNumber,
  updatedAt: rewards.updatedAt,
};

export async function assertSameChain(client: PublicClient, chainId: number): Promise<void> {
  const served = await client.getChainId();
  if (served !== chainId) {
    throw new ChainMismatchError(`the RPC serves chain ${served}, but the deployment is on chain ${chainId}`);
  }
}

/** Events grouped by orderRef (lower case), added to `into`. */
function eventsByOrderRef(events: readonly PaidEvent[], into = new Map<string, PaidEvent[]>()) {
  for (const event of events) into.set(event.orderRef, [...(into.get(event.orderRef) ?? []), event]);
  return into;
}

/** Reads the contract's ReferralPaid events of a block range, in the context's page size. */
export const paidEventReader =
  (ctx: Pick<ReconcileContext, "client" | "deployment" | "blocksPerQuery">) => (from: bigint, to: bigint) =>
    readPaidEvents(ctx.client, ctx.deployment.proxy, {
      fromBlock: from,
      toBlock: to,
      ...(ctx.blocksPerQuery ? { blocksPerQuery: ctx.blocksPerQuery } : {}),
    });

export async function reconcileLedger(ctx: ReconcileContext): Promise<ReconcileReport> {
  const { db, client, deployment } = ctx;
  const pageSize = ctx.pageSize ?? 500;
  const options: CompareOptions = {
    now: ctx.now?.() ?? new Date(),
    mintingGraceMs: ctx.mintingGraceMs ?? DEFAULT_MINTING_GRACE_MS,
  };
  const fromBlock = BigInt(deployment.startBlock);
  const readEvents = paidEventReader(ctx);
  let toBlock: bigint;
  let events: Map<string, PaidEvent[]>;
  if (ctx.chainEvents) {
    toBlock = ctx.chainEvents.toBlock;
    events = eventsByOrderRef(ctx.chainEvents.events);
  } else {
    await assertSameChain(client, deployment.chainId);
    // viem caches the block number for its polling interval; a stale one would hide fresh payments.
    toBlock = await client.getBlockNumber({ cacheTime: 0 });
    events = eventsByOrderRef(await readEvents(fromBlock, toBlock));
  }

  const findings: Finding[] = [];
  const seen = new Set<string>();
  // Paid, but no event up to toBlock: most likely paid after it, while the pages were read.
  const late: { row: LedgerRow; payment: OnChainPayment }[] = [];
  const check = async (rows: LedgerRow[], deferLate: boolean) => {
    const payments = await paymentsOf(
      client,
      deployment.proxy,
      rows.map((row) => row.orderRef as Hex),
      pageSize,
    );
    rows.forEach((row, i) => {
      const ref = row.orderRef.toLowerCase();
      seen.add(ref);
      const payment = payments[i];
      if (deferLate && payment && !events.has(ref)) late.push({ row, payment });
      else findings.push(...compareRow(row, payment, events.get(ref) ?? [], options));
    });
  };

  let ledgerRows = 0;
  const inScope = eq(rewards.chainId, deployment.chainId);
  for (let after: string | undefined; ;) {
    const page = await db
      .select(ledgerColumns)
      .from(rewards)
      .where(after ? and(inScope, gt(rewards.id, after)) : inScope)
      .orderBy(asc(rewards.id))
      .limit(pageSize);
    await check(page, true);
    ledgerRows += page.length;
    if (page.length < pageSize) break;
    after = page.at(-1)!.id;
  }

  if (late.length > 0) {
    const latest = await client.getBlockNumber({ cacheTime: 0 });
    if (latest > toBlock) eventsByOrderRef(await readEvents(toBlock + 1n, latest), events);
    toBlock = latest > toBlock ? latest : toBlock;
    for (const { row, payment } of late) {
      findings.push(...compareRow(row, payment, events.get(row.orderRef.toLowerCase()) ?? [], options));
    }
  }

  // Rows created after the first pages were read (ids are random) look unledgered: look them up.
  const unseen = [...events.keys()].filter((ref) => !seen.has(ref));
  for (let start = 0; start < unseen.length; start += pageSize) {
    const refs = unseen.slice(start, start + pageSize);
    const rows = await db
      .select(ledgerColumns)
      .from(rewards)
      .where(and(inScope, inArray(rewards.orderRef, refs)));
    await check(rows, false);
    ledgerRows += rows.length;
  }
  const unledgered = unseen.filter((ref) => !seen.has(ref)) as Hex[];
  const payments = await paymentsOf(client, deployment.proxy, unledgered, pageSize);
  unledgered.forEach((ref, i) => findings.push(...compareUnledgered(ref, payments[i], events.get(ref) ?? [])));

  const counts = countFindings(findings);
  return {
    ok: counts.mismatches === 0,
    chainId: deployment.chainId,
    contract: deployment.proxy,
    fromBlock: Number(fromBlock),
    toBlock: Number(toBlock),
    checkedAt: options.now.toISOString(),
    mintingGraceSeconds: Math.round(options.mintingGraceMs / 1000),
    ledgerRows,
    onChainPayments: events.size,
    counts,
    findings: sortFindings(findings),
  };
}
