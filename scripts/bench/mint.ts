// `npm run bench:mint`: 1,000 approved rewards over 200 referrers paid by the batch minter
// (`runMinter`, batches of 200), against the original flow on the same chain in the same run: a
// cron run takes 20 approved rewards and, one at a time, simulates and sends `payReferral`, waits
// for its receipt and updates the row; cron runs follow each other without a pause until all are
// paid. The original flow pays through the original design's contract
// (contracts/mocks/baseline, the same one `bench:gas` measures), MINT mode on both sides.
//
// Each flow gets its own 1,000 rewards (own order refs, the same referrers and amounts) and its
// own token, so both start from 200 referrers with no balance. Reward i goes to referrer
// i mod 200 and rows are claimed in creation order: every batch of 200 holds 200 different
// referrers, the layout that gives a batch no warm balance slots.
//
// Fresh anvil and a fresh database (embedded PostgreSQL, or a new database on DATABASE_URL's
// server). Writes bench/results/mint.json (or $BENCH_RESULTS_DIR/mint.json); fails unless every
// reward is minted and each token's balances equal the ledger's sums.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { and, asc, eq, inArray } from "drizzle-orm";
import { pino } from "pino";
import { type Address, erc20Abi, type Hex } from "viem";
import { openDatabase, runMigrations } from "../../server/db/client.ts";
import { rewards } from "../../server/db/schema.ts";
import type { MinterContext } from "../../server/rewards/minter/context.ts";
import { runMinter } from "../../server/rewards/minter/run.ts";
import { createTestDatabase, stopEmbedded } from "../../server/test/harness.ts";
import { sizedRewardRow } from "../../server/test/reward-rows.ts";
import { binDir } from "../lib/paths.ts";
import { amountFor, hashedReferrers, machine, runBench, startMintChain, writeResults } from "./common.ts";
import { deployOriginalBaseline } from "./original-baseline.ts";

const REWARDS = 1_000;
const REFERRERS = 200;
const BATCH_SIZE = 200;
const CRON_BATCH = 20; // the original cron route's rewards per run
const targets = { maxTxs: 10 };

const referrers = hashedReferrers("mint-referrer", REFERRERS).map((wallet) => ({ wallet, userId: randomUUID() }));

await runBench(async (cleanup) => {
  const { anvil, deployment, operator, deployer } = await startMintChain();
  cleanup.defer(() => anvil.stop());
  const original = await deployOriginalBaseline(deployer, operator.account.address);
  const originalToken = (await operator.publicClient.readContract({
    ...original,
    functionName: "rewardToken",
  })) as Address;

  // A new, empty database: on DATABASE_URL's server when set, else on an embedded cluster of our own.
  cleanup.defer(() => stopEmbedded());
  const testDatabase = await createTestDatabase();
  cleanup.defer(() => testDatabase.drop());
  const database = openDatabase(testDatabase.url, { max: 4 });
  cleanup.defer(() => database.close());
  await runMigrations(database);
  const { db } = database;

  /** The flow's 1,000 rewards, as the ledger leaves them once approved and sized. */
  const insertRewards = async (flow: string, token: Address) => {
    const createdFrom = Date.now();
    const rows = Array.from({ length: REWARDS }, (_, i) =>
      sizedRewardRow(
        { token, chainId: deployment.chainId },
        {
          orderReference: `bench-${flow}-${i}`,
          referrerUserId: referrers[i % REFERRERS]!.userId,
          referrerWallet: referrers[i % REFERRERS]!.wallet,
          tokenAmount: amountFor(i),
          createdAt: new Date(createdFrom + i), // claimed in this order by both flows
        },
      ),
    );
    await db.insert(rewards).values(rows);
  };
  const inStates = (token: Address, states: ("approved" | "minting")[]) =>
    db
      .select()
      .from(rewards)
      .where(and(inArray(rewards.state, states), eq(rewards.sizing, "sized"), eq(rewards.token, token)))
      .orderBy(asc(rewards.createdAt));
  const nonce = () => operator.publicClient.getTransactionCount({ address: operator.account.address });

  /** Every reward minted, and the token's balances and supply exactly the ledger's sums. */
  const verify = async (flow: string, token: Address) => {
    const rows = await db.select().from(rewards).where(eq(rewards.token, token));
    const notMinted = rows.filter((row) => row.state !== "minted");
    if (rows.length !== REWARDS || notMinted.length > 0) {
      throw new Error(`${flow}: ${notMinted.length} of ${rows.length} rewards not minted`);
    }
    const expected = new Map<Address, bigint>();
    for (const row of rows) {
      const wallet = row.referrerWallet as Address;
      expected.set(wallet, (expected.get(wallet) ?? 0n) + BigInt(row.tokenAmount!));
    }
    const read = { address: token, abi: erc20Abi } as const;
    for (const [wallet, owed] of expected) {
      const balance = await operator.publicClient.readContract({ ...read, functionName: "balanceOf", args: [wallet] });
      if (balance !== owed) throw new Error(`${flow}: ${wallet} holds ${balance}, the ledger says ${owed}`);
    }
    const supply = await operator.publicClient.readContract({ ...read, functionName: "totalSupply" });
    const total = [...expected.values()].reduce((a, b) => a + b, 0n);
    if (supply !== total) throw new Error(`${flow}: total supply ${supply}, the ledger's total ${total}`);
  };
  /** Receipt gas of each transaction. */
  const gasOf = async (flow: string, hashes: Hex[]) => {
    const gas: number[] = [];
    for (const hash of hashes) {
      const receipt = await operator.publicClient.getTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${flow}: transaction ${hash} reverted`);
      gas.push(Number(receipt.gasUsed));
    }
    return gas;
  };
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

  // Ours: the minter as the schedule runs it, until nothing approved is left.
  await insertRewards("batch", deployment.token);
  const ctx: MinterContext = {
    db,
    pool: database.pool,
    logger: pino({ level: process.env.BENCH_MINT_LOG_LEVEL ?? "warn" }),
    publicClient: operator.publicClient as never,
    walletClient: operator.walletClient,
    account: operator.account,
    rewardsAddress: deployment.proxy,
    fromBlock: BigInt(deployment.startBlock),
    batchSize: BATCH_SIZE,
    receiptTimeoutMs: 60_000,
    maxAttempts: 5,
  };
  const batches: { txHash: Hex | null; size: number }[] = [];
  let minterRuns = 0;
  const oursNonce = await nonce();
  const oursStart = performance.now();
  // A run that leaves a transaction unmined returns early; the next one settles it.
  while ((await inStates(deployment.token, ["approved", "minting"]).limit(1)).length > 0) {
    if (++minterRuns > 3) throw new Error("batch: rewards still unpaid after 3 minter runs");
    const summary = await runMinter(ctx);
    if (!summary.ran) throw new Error(`batch: the minter did not run (${summary.reason})`);
    if (summary.failed > 0) throw new Error(`batch: ${summary.failed} rewards failed`);
    batches.push(...summary.batches);
  }
  const oursWall = (performance.now() - oursStart) / 1000;
  const sent = batches.filter((batch): batch is { txHash: Hex; size: number } => batch.txHash !== null);
  if ((await nonce()) - oursNonce !== sent.length) throw new Error("batch: transactions sent outside the batches");
  if (sum(sent.map((batch) => batch.size)) !== REWARDS) throw new Error("batch: batch sizes do not add up");
  await verify("batch", deployment.token);
  const batchGas = await gasOf(
    "batch",
    sent.map((batch) => batch.txHash),
  );
  const oursGas = sum(batchGas);

  // The original flow: cron runs of 20, one payReferral and its receipt per reward.
  await insertRewards("original", originalToken);
  const originalHashes: Hex[] = [];
  let cronRuns = 0;
  const originalNonce = await nonce();
  const originalStart = performance.now();
  for (;;) {
    const due = await inStates(originalToken, ["approved"]).limit(CRON_BATCH);
    if (due.length === 0) break;
    cronRuns++;
    for (const row of due) {
      const { request } = await operator.publicClient.simulateContract({
        ...original,
        account: operator.account,
        functionName: "payReferral",
        args: [row.referrerWallet, BigInt(row.tokenAmount!), row.orderRef],
      });
      const hash = await operator.walletClient.writeContract(request);
      const receipt = await operator.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`original: transaction ${hash} reverted`);
      await db
        .update(rewards)
        .set({ state: "minted", txHash: hash, blockNumber: Number(receipt.blockNumber), mintedAt: new Date() })
        .where(eq(rewards.id, row.id));
      originalHashes.push(hash);
    }
  }
  const originalWall = (performance.now() - originalStart) / 1000;
  if ((await nonce()) - originalNonce !== originalHashes.length) throw new Error("original: transaction count");
  await verify("original", originalToken);
  const originalGas = sum(await gasOf("original", originalHashes));

  const round = (n: number, digits = 2) => Number(n.toFixed(digits));
  const ours = {
    txs: sent.length,
    gas_per_payout: Math.round(oursGas / REWARDS),
    wall_s: round(oursWall),
  };
  const baseline = {
    txs: originalHashes.length,
    gas_per_payout: Math.round(originalGas / REWARDS),
    wall_s: round(originalWall),
  };
  const anvilVersion = execFileSync(join(binDir, "anvil"), ["--version"], { encoding: "utf8" })
    .split("\n")[0]!
    .replace(" Version:", "");
  const results = {
    rewards: REWARDS,
    ...ours,
    baseline: { ...baseline, total_gas: originalGas, cron_runs: cronRuns, per_cron_run: CRON_BATCH },
    total_gas: oursGas,
    ratios: {
      txs: round(baseline.txs / ours.txs, 1),
      gas: round(originalGas / oursGas, 3),
      wall: round(originalWall / oursWall, 1),
    },
    referrers: REFERRERS,
    batch_size: BATCH_SIZE,
    minter_runs: minterRuns,
    batches: sent.map((batch, i) => ({ size: batch.size, gas: batchGas[i]! })),
    verified: "all minted; token balances and total supply equal the ledger's sums (both flows)",
    setup: {
      chain: `${anvilVersion}, a block per transaction`,
      token_mode: "MINT",
      baseline_contract: "contracts/mocks/baseline/OriginalReferralRewards.sol (original design)",
      database:
        testDatabase.kind === "DATABASE_URL" ? "DATABASE_URL's server" : "embedded PostgreSQL 18, default settings",
    },
    machine: machine(),
    date: new Date().toISOString(),
  };

  writeResults("mint.json", results);
  console.log(JSON.stringify(results, null, 2));

  const row = (label: string, a: string | number, b: string | number, ratio: string | number) =>
    console.log(`${label.padEnd(16)}${String(a).padStart(14)}${String(b).padStart(22)}${String(ratio).padStart(8)}`);
  console.log(`\n${REWARDS} rewards, ${REFERRERS} referrers, MINT mode, all minted and balances verified`);
  row("", `batch (${BATCH_SIZE})`, `original (${CRON_BATCH}/run)`, "ratio");
  row("transactions", ours.txs, baseline.txs, results.ratios.txs);
  row("gas per payout", ours.gas_per_payout, baseline.gas_per_payout, results.ratios.gas);
  row("total gas", oursGas, originalGas, results.ratios.gas);
  row("wall time (s)", ours.wall_s, baseline.wall_s, results.ratios.wall);
  const ok = ours.txs <= targets.maxTxs;
  console.log(`${ok ? "PASS" : "FAIL"}  transactions: ${ours.txs} (target <= ${targets.maxTxs})`);
  process.exitCode = ok ? 0 : 1;
});
