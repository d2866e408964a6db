// The minter inside the server: runs on a schedule, on the cron route and on an admin's "mint
// now". Runs in this process are serialised; across replicas the advisory lock in runMinter is.
import type { Hex } from "viem";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../../scripts/lib/clients.ts";
import type { AppDeps } from "../../deps.ts";
import { ApiError } from "../../http/errors.ts";
import { sizePendingRewards } from "../ledger/size.ts";
import { type MintRunSummary, runMinter } from "./run.ts";

export interface MinterService {
  run(): Promise<MintRunSummary>;
  close(): Promise<void>;
}

export function createMinterService(deps: AppDeps): MinterService {
  const { config } = deps;
  const key: Hex | undefined =
    config.minter.privateKey ?? (config.network === "local" ? anvilKeys.operator : undefined);
  let clients: Promise<Clients> | undefined;
  let running: Promise<MintRunSummary> | undefined;
  let closed = false;

  async function once(): Promise<MintRunSummary> {
    if (!key) throw new ApiError(503, "minter_not_configured", "REFERRAL_MINTER_PRIVATE_KEY is not set");
    clients ??= connect(deps.chain.rpcUrl, key).catch((error: unknown) => {
      clients = undefined;
      throw error;
    });
    const { publicClient, walletClient, account } = await clients;
    return runMinter({
      db: deps.db,
      pool: deps.database.pool,
      logger: deps.logger.child({ job: "minter" }),
      publicClient: publicClient as never,
      walletClient,
      account,
      rewardsAddress: deps.chain.rewards,
      fromBlock: BigInt(deps.chain.deployment.startBlock),
      batchSize: config.minter.batchSize,
      receiptTimeoutMs: config.minter.receiptTimeoutMs,
      maxAttempts: config.minter.maxAttempts,
      retryBaseSeconds: config.minter.retryBaseSeconds,
      sizePending: () => sizePendingRewards(deps.db, deps.sizer),
    });
  }

  const run = () => {
    if (closed) return Promise.reject(new ApiError(503, "shutting_down", "the server is shutting down"));
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer =
    config.minter.intervalSeconds > 0
      ? setInterval(
          () => void run().catch((error: unknown) => deps.logger.warn({ err: error }, "scheduled minter run failed")),
          config.minter.intervalSeconds * 1000,
        )
      : undefined;
  timer?.unref();

  return {
    run,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
