// What one minter run needs and reports.
import type pg from "pg";
import type { Logger } from "pino";
import type { Account, Address, Hex, PublicClient, WalletClient } from "viem";
import type { Db } from "../../db/client.ts";

/**
 * Points where a test (or a drill) can stop the minter the way a crash would: a hook that
 * kills the process, or throws, leaves the ledger exactly as a crash there would.
 */
export interface MinterFaults {
  /** Simulated and nonce chosen; nothing sent yet. */
  beforeSend?(): void | Promise<void>;
  /** The node accepted the transaction; its hash is not stored yet. */
  afterSend?(hash: Hex): void | Promise<void>;
  /** The hash and nonce are stored; the receipt is not awaited yet. */
  afterRecord?(hash: Hex): void | Promise<void>;
  /** The receipt is in; the ledger is not updated yet. */
  afterReceipt?(hash: Hex): void | Promise<void>;
}

export interface MinterContext {
  db: Db;
  pool: pg.Pool;
  logger: Logger;
  publicClient: PublicClient;
  walletClient: WalletClient;
  account: Account;
  rewardsAddress: Address;
  /** The deployment's first block: where searches for ReferralPaid events start. */
  fromBlock: bigint;
  batchSize: number;
  /** How long one receipt wait lasts before the transaction is replaced with a higher fee. */
  receiptTimeoutMs: number;
  /** Replacements (same nonce, higher fee) of one stuck transaction before the run gives up on it; default 3. */
  maxReplacements?: number;
  /** Failed rewards are retried after retryBaseSeconds × 2^(attempts − 1), up to this many attempts. */
  maxAttempts: number;
  /** Default 30. */
  retryBaseSeconds?: number;
  faults?: MinterFaults;
  /** Sizes rewards waiting for a price before the run claims any; returns how many it sized. */
  sizePending?: () => Promise<number>;
}

export interface MintRunSummary {
  ran: boolean;
  reason?: string;
  /** Rewards settled from what the chain already records (already paid, or left in `minting` by an earlier run). */
  reconciled: number;
  /** Rewards that got their price at the start of this run. */
  sized: number;
  minted: number;
  failed: number;
  /** Rewards left `approved` because the window budget cannot take them before it renews. */
  deferred: number;
  /** Transactions replaced with a higher fee after a receipt wait timed out. */
  replaced: number;
  batches: { batchId: string; txHash: Hex; size: number }[];
}
