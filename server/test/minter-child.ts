// A minter in its own process, for crash tests: it runs once and, when MINTER_CRASH_AT names a
// fault point, SIGKILLs itself there — no finally blocks, no clean-up, as a real crash.
// Env: DATABASE_URL, RPC_URL, REWARDS_ADDRESS, FROM_BLOCK, MINTER_CRASH_AT, BATCH_SIZE.
import pino from "pino";
import type { Address } from "viem";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { connect } from "../../scripts/lib/clients.ts";
import { openDatabase } from "../db/client.ts";
import type { MinterFaults } from "../rewards/minter/context.ts";
import { runMinter } from "../rewards/minter/run.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const crashAt = process.env.MINTER_CRASH_AT as keyof MinterFaults | undefined;
const crash = () => {
  process.kill(process.pid, "SIGKILL");
};
const faults: MinterFaults = crashAt ? { [crashAt]: crash } : {};

const database = openDatabase(env("DATABASE_URL"), { max: 3 });
const { publicClient, walletClient, account } = await connect(env("RPC_URL"), anvilKeys.operator);
const summary = await runMinter({
  db: database.db,
  pool: database.pool,
  logger: pino({ level: "warn" }),
  publicClient: publicClient as never,
  walletClient,
  account,
  rewardsAddress: env("REWARDS_ADDRESS") as Address,
  fromBlock: BigInt(env("FROM_BLOCK")),
  batchSize: Number(process.env.BATCH_SIZE ?? 100),
  receiptTimeoutMs: 10_000,
  maxAttempts: 5,
  faults,
});
await database.close();
console.log(JSON.stringify(summary));
