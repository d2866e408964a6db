// The indexer against the chain and the ledger, for `npm run audit`: every ReferralPaid event up
// to the block the indexer has indexed must be its payout row (same referrer, amount, tx, block,
// log index) and nothing else may be; its referrer and daily totals must add up to the events;
// its contract state must be what the contract returns at that block; and every payout it shows
// must be a minted ledger row with the same terms (what the dashboards join on).
import { sql } from "drizzle-orm";
import { getAddress, type PublicClient } from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import type { Deployment } from "../../../deployments/schema.ts";
import { IMPLEMENTATION_SLOT } from "../../../scripts/lib/upgrade.ts";
import type { Db } from "../../db/client.ts";
import type { PaidEvent } from "../onchain.ts";
import {
  type IndexedContractState,
  type IndexerSnapshot,
  indexedBlock,
  missingViews,
  readIndexerSnapshot,
} from "./indexer-views.ts";
import { countFindings, DEFAULT_MINTING_GRACE_MS, type ReportCounts } from "./report.ts";

const mismatchKinds = [
  "indexer_missing_payout",
  "indexer_payout_differs",
  "indexer_unknown_payout",
  "indexer_totals_differ",
  "indexer_state_differs",
  "indexer_ledger_differs",
] as const;
const warningKinds = ["indexer_behind", "indexer_not_checked"] as const;
export type IndexerFindingKind = (typeof mismatchKinds)[number] | (typeof warningKinds)[number];
export const indexerFindingKinds = [...mismatchKinds, ...warningKinds] as const;

export const indexerKindDescriptions: Record<IndexerFindingKind, string> = {
  indexer_missing_payout: "a ReferralPaid event at or below the indexed block that the indexer has no payout row for",
  indexer_payout_differs:
    "the indexer's payout row has another referrer, amount, tx, block or log index than the event",
  indexer_unknown_payout:
    "a payout row in the indexer with no ReferralPaid event on the chain (a block it did not unwind?)",
  indexer_totals_differ: "a referrer's total or count, or the daily totals, do not add up to the chain's events",
  indexer_state_differs:
    "the indexer's contract state (pause, mode, token, limits, implementation) is not the contract's",
  indexer_ledger_differs: "a payout the indexer shows is not a minted ledger row with the same referrer and amount",
  indexer_behind: "the indexer had not reached the chain's head block: later blocks were not compared",
  indexer_not_checked: "no indexer views in the schema (is the indexer running? INDEXER_VIEWS_SCHEMA): not compared",
};

export interface IndexerFinding {
  kind: IndexerFindingKind;
  severity: "mismatch" | "warning";
  /** What it is about: an orderRef, a referrer address, `daily_stat`, the contract, the schema. */
  subject: string;
  message: string;
}

export interface IndexerReport {
  ok: boolean;
  viewsSchema: string;
  checked: boolean;
  /** The block the indexer had indexed (what was compared); null when not checked. */
  indexedBlock: number | null;
  payouts: number;
  referrers: number;
  counts: ReportCounts<IndexerFindingKind>;
  findings: IndexerFinding[];
}

export interface IndexerCheckContext {
  db: Db;
  client: PublicClient;
  deployment: Pick<Deployment, "chainId" | "proxy">;
  viewsSchema: string;
  /** The chain's ReferralPaid events from the start block to `toBlock`, as the ledger check read them. */
  events: readonly PaidEvent[];
  toBlock: bigint;
  /** Reads the events of blocks the indexer has and `events` does not. */
  readEvents(fromBlock: bigint, toBlock: bigint): Promise<PaidEvent[]>;
  /** How long to wait for the indexer to reach `toBlock` (default 15 s). */
  waitMs?: number;
  /** Missing views are an error rather than a warning. */
  required?: boolean;
  mintingGraceMs?: number;
  now?: () => Date;
}

/** The indexer was required but its views are not there. */
export class IndexerNotFoundError extends Error {
  override name = "IndexerNotFoundError";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lower = (value: string) => value.toLowerCase();

export async function compareIndexer(ctx: IndexerCheckContext): Promise<IndexerReport> {
  const findings: IndexerFinding[] = [];
  const add = (kind: IndexerFindingKind, subject: string, message: string) =>
    findings.push({ kind, severity: isWarning(kind) ? "warning" : "mismatch", subject, message });
  const report = (snapshot?: IndexerSnapshot): IndexerReport => {
    const counts = countFindings(findings, indexerFindingKinds);
    return {
      ok: counts.mismatches === 0,
      viewsSchema: ctx.viewsSchema,
      checked: snapshot !== undefined,
      indexedBlock: snapshot ? Number(snapshot.indexedBlock) : null,
      payouts: snapshot?.payouts.length ?? 0,
      referrers: snapshot?.referrers.length ?? 0,
      counts,
      findings: findings.sort(
        (a, b) => Number(isWarning(a.kind)) - Number(isWarning(b.kind)) || a.subject.localeCompare(b.subject),
      ),
    };
  };

  const missing = await missingViews(ctx.db, ctx.viewsSchema);
  const block = missing.length === 0 ? await waitForBlock(ctx) : undefined;
  if (block === undefined) {
    const why =
      missing.length > 0
        ? `no ${missing.join(", ")} in schema "${ctx.viewsSchema}"`
        : `the indexer in schema "${ctx.viewsSchema}" has not started on chain ${ctx.deployment.chainId}`;
    if (ctx.required) throw new IndexerNotFoundError(`${why}: is the indexer running? (INDEXER_VIEWS_SCHEMA)`);
    add("indexer_not_checked", ctx.viewsSchema, `${why}: the indexer was not compared`);
    return report();
  }

  const snapshot = await readIndexerSnapshot(ctx.db, ctx.viewsSchema, ctx.deployment.chainId);
  const upTo = snapshot.indexedBlock;
  if (upTo < ctx.toBlock) {
    add(
      "indexer_behind",
      ctx.viewsSchema,
      `indexed up to block ${upTo}, the chain is at ${ctx.toBlock}: later blocks not compared`,
    );
  }
  const events = [
    ...ctx.events.filter((event) => event.blockNumber <= upTo),
    ...(upTo > ctx.toBlock ? await ctx.readEvents(ctx.toBlock + 1n, upTo) : []),
  ];
  comparePayouts(events, snapshot, add);
  compareTotals(events, snapshot, add);
  await compareState(ctx, snapshot, add);
  await compareLedger(ctx, upTo, add);
  return report(snapshot);
}

const isWarning = (kind: IndexerFindingKind) => (warningKinds as readonly string[]).includes(kind);
type Add = (kind: IndexerFindingKind, subject: string, message: string) => void;

/** The indexed block once it reaches `toBlock` or the wait is over; undefined before it has started. */
async function waitForBlock(ctx: IndexerCheckContext): Promise<bigint | undefined> {
  const deadline = Date.now() + (ctx.waitMs ?? 15_000);
  for (;;) {
    const block = await indexedBlock(ctx.db, ctx.viewsSchema, ctx.deployment.chainId);
    if ((block !== undefined && block >= ctx.toBlock) || Date.now() >= deadline) return block;
    await sleep(200);
  }
}

const place = (p: { txHash: string; blockNumber: bigint; logIndex: number }) =>
  `tx ${lower(p.txHash)} block ${p.blockNumber} log ${p.logIndex}`;
const terms = (p: { referrer: string; amount: bigint }) => `${p.amount} to ${lower(p.referrer)}`;

function comparePayouts(events: readonly PaidEvent[], snapshot: IndexerSnapshot, add: Add) {
  const indexed = new Map(snapshot.payouts.map((p) => [lower(p.orderRef), p]));
  const onChain = new Set<string>();
  for (const event of events) {
    const ref = lower(event.orderRef);
    if (onChain.has(ref)) continue; // a second event is the ledger check's paid_more_than_once
    onChain.add(ref);
    const row = indexed.get(ref);
    if (!row) {
      add("indexer_missing_payout", ref, `on-chain ${terms(event)} in ${place(event)}; the indexer has no row`);
    } else if (
      lower(row.referrer) !== lower(event.referrer) ||
      row.amount !== event.amount ||
      lower(row.txHash) !== lower(event.txHash) ||
      row.blockNumber !== event.blockNumber ||
      row.logIndex !== event.logIndex
    ) {
      add(
        "indexer_payout_differs",
        ref,
        `on-chain ${terms(event)} in ${place(event)}; indexer ${terms(row)} in ${place(row)}`,
      );
    }
  }
  for (const [ref, row] of indexed) {
    if (!onChain.has(ref)) {
      add("indexer_unknown_payout", ref, `indexer ${terms(row)} in ${place(row)}; no ReferralPaid event on the chain`);
    }
  }
}

function compareTotals(events: readonly PaidEvent[], snapshot: IndexerSnapshot, add: Add) {
  const expected = new Map<string, { totalPaid: bigint; payouts: number }>();
  const unique = new Map(events.map((event) => [lower(event.orderRef), event]));
  let amount = 0n;
  for (const event of unique.values()) {
    const referrer = lower(event.referrer);
    const sum = expected.get(referrer) ?? { totalPaid: 0n, payouts: 0 };
    expected.set(referrer, { totalPaid: sum.totalPaid + event.amount, payouts: sum.payouts + 1 });
    amount += event.amount;
  }
  const indexed = new Map(snapshot.referrers.map((r) => [lower(r.address), r]));
  const show = (t: { totalPaid: bigint; payouts: number } | undefined) =>
    t ? `${t.totalPaid} in ${t.payouts} payouts` : "nothing";
  for (const referrer of new Set([...expected.keys(), ...indexed.keys()])) {
    const want = expected.get(referrer);
    const got = indexed.get(referrer);
    if (want?.totalPaid !== got?.totalPaid || want?.payouts !== got?.payouts) {
      add("indexer_totals_differ", referrer, `referrer: on-chain ${show(want)}; indexer ${show(got)}`);
    }
  }
  const daily = snapshot.dailyTotals;
  if (daily.payouts !== unique.size || daily.amount !== amount) {
    add(
      "indexer_totals_differ",
      "daily_stat",
      `daily totals: on-chain ${amount} in ${unique.size} payouts; indexer ${daily.amount} in ${daily.payouts}`,
    );
  }
}

const modeNames = ["MINT", "TRANSFER"];

async function compareState(ctx: IndexerCheckContext, snapshot: IndexerSnapshot, add: Add) {
  const proxy = lower(ctx.deployment.proxy);
  const state = snapshot.contractStates.find((s) => lower(s.address) === proxy);
  if (!state) {
    const others = snapshot.contractStates.map((s) => s.address).join(", ") || "none";
    add("indexer_state_differs", proxy, `the indexer has no state for this contract (it has: ${others})`);
    return;
  }
  const at = { address: ctx.deployment.proxy, abi: referralRewardsAbi, blockNumber: snapshot.indexedBlock } as const;
  const [paused, mode, token, [maxPerPayment, windowBudget, windowDuration], slot] = await Promise.all([
    ctx.client.readContract({ ...at, functionName: "paused" }),
    ctx.client.readContract({ ...at, functionName: "rewardMode" }),
    ctx.client.readContract({ ...at, functionName: "rewardToken" }),
    ctx.client.readContract({ ...at, functionName: "limits" }),
    ctx.client.getStorageAt({
      address: ctx.deployment.proxy,
      slot: IMPLEMENTATION_SLOT,
      blockNumber: snapshot.indexedBlock,
    }),
  ]);
  const implementation = slot ? getAddress(`0x${slot.slice(-40)}`) : undefined;
  const expected: [keyof IndexedContractState, unknown][] = [
    ["paused", paused],
    ["mode", modeNames[mode] ?? `UNKNOWN(${mode})`],
    ["token", lower(token)],
    // Limits never set are null in the indexer and zero in the contract.
    ["maxPerPayment", maxPerPayment],
    ["windowBudget", windowBudget],
    ["windowDuration", windowDuration],
    ["implementation", implementation && lower(implementation)],
  ];
  const unset = (key: keyof IndexedContractState) => key.startsWith("max") || key.startsWith("window");
  for (const [key, want] of expected) {
    const raw = state[key];
    const got =
      raw === null && unset(key)
        ? key === "windowDuration"
          ? 0
          : 0n
        : typeof raw === "string" && raw.startsWith("0x")
          ? lower(raw)
          : raw;
    if (got !== want) {
      add(
        "indexer_state_differs",
        `${proxy}.${key}`,
        `${key}: contract ${String(want)} at block ${snapshot.indexedBlock}; indexer ${String(raw)}`,
      );
    }
  }
}

/** Payouts the indexer shows that the ledger does not have as minted with the same terms. */
async function compareLedger(ctx: IndexerCheckContext, upTo: bigint, add: Add) {
  const graceMs = ctx.mintingGraceMs ?? DEFAULT_MINTING_GRACE_MS;
  const now = ctx.now?.() ?? new Date();
  const { rows } = await ctx.db.execute<{
    order_ref: string;
    referrer: string;
    amount: string;
    state: string | null;
    referrer_wallet: string | null;
    token_amount: string | null;
    updated_at: string | Date | null;
  }>(sql`
    select p.order_ref, p.referrer, p.amount::text, r.state, r.referrer_wallet, r.token_amount::text, r.updated_at
    from ${sql.raw(`"${ctx.viewsSchema}".payout`)} p
    left join rewards r on p.order_ref = lower(r.order_ref collate "C") and r.chain_id = ${ctx.deployment.chainId}
    where p.block_number <= ${upTo.toString()}::numeric
      and (r.id is null or r.state <> 'minted' or lower(r.referrer_wallet) <> p.referrer
           or r.token_amount is distinct from p.amount)`);
  for (const row of rows) {
    const inFlight =
      row.state === "minting" && sameTerms(row) && now.getTime() - new Date(row.updated_at!).getTime() <= graceMs;
    if (inFlight) continue;
    const ledger = row.state
      ? `ledger ${row.state} ${row.token_amount ?? "no amount"} to ${row.referrer_wallet}`
      : "the ledger has no row";
    add("indexer_ledger_differs", row.order_ref, `indexer ${row.amount} to ${row.referrer}; ${ledger}`);
  }
}

const sameTerms = (row: {
  referrer: string;
  amount: string;
  referrer_wallet: string | null;
  token_amount: string | null;
}) => row.referrer_wallet !== null && lower(row.referrer_wallet) === row.referrer && row.token_amount === row.amount;
