// What the indexer (Ponder) has published in its views schema, read in one snapshot: the block it
// has indexed up to, its payouts, referrer totals, daily totals and contract state. Read-only;
// the schema name was validated as a plain identifier, so it is quoted, never parameterised.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";

export interface IndexedPayout {
  orderRef: string;
  referrer: string;
  amount: bigint;
  txHash: string;
  blockNumber: bigint;
  logIndex: number;
}

export interface IndexedReferrer {
  address: string;
  totalPaid: bigint;
  payouts: number;
}

export interface IndexedContractState {
  address: string;
  mode: string | null;
  token: string | null;
  paused: boolean;
  implementation: string | null;
  maxPerPayment: bigint | null;
  windowBudget: bigint | null;
  windowDuration: number | null;
}

export interface IndexerSnapshot {
  indexedBlock: bigint;
  payouts: IndexedPayout[];
  referrers: IndexedReferrer[];
  /** Sums over `daily_stat`. */
  dailyTotals: { payouts: number; amount: bigint };
  contractStates: IndexedContractState[];
}

/** The views Ponder creates in the views schema that the comparison reads. */
const VIEWS = ["_ponder_checkpoint", "payout", "referrer", "daily_stat", "contract_state"] as const;

/**
 * Ponder's checkpoint string: block timestamp (10 digits), chain id (16), block number (16), …
 * The block number is the part the comparison needs.
 */
export function checkpointBlock(checkpoint: string): bigint {
  if (!/^\d{75}$/.test(checkpoint)) throw new Error(`unexpected Ponder checkpoint "${checkpoint}"`);
  return BigInt(checkpoint.slice(26, 42));
}

/** The views that are missing (all of them when the schema does not exist). */
export async function missingViews(db: Db, schema: string): Promise<string[]> {
  const { rows } = await db.execute<{ name: string; present: boolean }>(
    sql`select name, to_regclass(format('%I.%I', ${schema}::text, name)) is not null as present
        from unnest(array[${sql.join(
          VIEWS.map((name) => sql`${name}`),
          sql`, `,
        )}]::text[]) as name`,
  );
  return rows.filter((row) => !row.present).map((row) => row.name);
}

/** The block the indexer has indexed on this chain; undefined when it has not started on it. */
export async function indexedBlock(db: Db, schema: string, chainId: number): Promise<bigint | undefined> {
  const { rows } = await db.execute<{ latest_checkpoint: string }>(
    sql`select latest_checkpoint from ${sql.raw(`"${schema}"._ponder_checkpoint`)} where chain_id = ${chainId}`,
  );
  return rows[0] ? checkpointBlock(rows[0].latest_checkpoint) : undefined;
}

const big = (value: string | null) => (value === null ? null : BigInt(value));

/** Everything at one instant: Ponder commits rows and checkpoint together, and this reads them in
 *  one repeatable-read transaction, so a block indexed meanwhile is either wholly in or out. */
export async function readIndexerSnapshot(db: Db, schema: string, chainId: number): Promise<IndexerSnapshot> {
  const view = (name: string) => sql.raw(`"${schema}".${name}`);
  return db.transaction(
    async (tx) => {
      const block = await indexedBlock(tx as unknown as Db, schema, chainId);
      if (block === undefined)
        throw new Error(`the indexer in schema "${schema}" has no checkpoint for chain ${chainId}`);
      const payouts = await tx.execute<Record<string, string | number>>(
        sql`select order_ref, referrer, amount::text, tx_hash, block_number::text, log_index from ${view("payout")}`,
      );
      const referrers = await tx.execute<Record<string, string | number>>(
        sql`select address, total_paid::text, payouts from ${view("referrer")}`,
      );
      const daily = await tx.execute<{ payouts: string | null; amount: string | null }>(
        sql`select sum(payouts)::text as payouts, sum(amount)::text as amount from ${view("daily_stat")}`,
      );
      const states = await tx.execute<Record<string, string | number | boolean | null>>(
        sql`select address, mode, token, paused, implementation, max_per_payment::text, window_budget::text,
                   window_duration from ${view("contract_state")}`,
      );
      return {
        indexedBlock: block,
        payouts: payouts.rows.map((row) => ({
          orderRef: String(row.order_ref),
          referrer: String(row.referrer),
          amount: BigInt(row.amount!),
          txHash: String(row.tx_hash),
          blockNumber: BigInt(row.block_number!),
          logIndex: Number(row.log_index),
        })),
        referrers: referrers.rows.map((row) => ({
          address: String(row.address),
          totalPaid: BigInt(row.total_paid!),
          payouts: Number(row.payouts),
        })),
        dailyTotals: { payouts: Number(daily.rows[0]?.payouts ?? 0), amount: BigInt(daily.rows[0]?.amount ?? 0) },
        contractStates: states.rows.map((row) => ({
          address: String(row.address),
          mode: row.mode as string | null,
          token: row.token as string | null,
          paused: row.paused === true,
          implementation: row.implementation as string | null,
          maxPerPayment: big(row.max_per_payment as string | null),
          windowBudget: big(row.window_budget as string | null),
          windowDuration: row.window_duration === null ? null : Number(row.window_duration),
        })),
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
