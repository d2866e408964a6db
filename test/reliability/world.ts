// One drill's world, all real processes: anvil with ReferralRewards deployed (MINT), a TCP proxy
// in front of anvil that the servers use as their RPC (so the RPC can go down), the drill's own
// restartable embedded PostgreSQL, server replicas as child processes, and the Ponder indexer
// (reading anvil directly: the RPC outage is the servers'). stop() ends and removes all of it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, createPublicClient, createWalletClient, http, type PublicClient, type WalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { writeDeployment } from "../../deployments/load.ts";
import type { Deployment } from "../../deployments/schema.ts";
import { type Anvil, startAnvil } from "../../scripts/lib/anvil.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { deployReferralRewards } from "../../scripts/lib/deploy.ts";
import { type RunningIndexer, startIndexer } from "../../scripts/lib/indexer.ts";
import { type DrillPostgres, startDrillPostgres } from "./postgres.ts";
import { startTcpProxy, type TcpProxy } from "./proxy.ts";
import { DrillRecord } from "./record.ts";
import { type ServerReplica, serverReplica } from "./servers.ts";

export const NETWORK = "local";
export const CRON_SECRET = "drill-cron-secret-0123456789";
/** The SIWE origin every replica is configured with (PUBLIC_URL); the harness signs in for it. */
const PUBLIC_URL = "http://localhost:5173";

export interface World {
  anvil: Anvil;
  deployment: Deployment;
  deploymentFile: string;
  /** The RPC the servers use. */
  rpc: TcpProxy;
  postgres: DrillPostgres;
  indexer: RunningIndexer;
  viewsSchema: string;
  chain: PublicClient;
  /** The contract's admin (pause/unpause): anvil's deployer, also ADMIN_WALLETS. */
  admin: WalletClient & { account: NonNullable<WalletClient["account"]> };
  adminAddress: Address;
  record: DrillRecord;
  /** A server replica (not started); `env` adds to or overrides the drill defaults. */
  replica(name: string, env?: Record<string, string>): Promise<ServerReplica>;
  /** Replica exits nobody asked for. */
  crashes(): string[];
  /** The last lines each replica printed, for a failed drill's report. */
  replicaOutputs(): string;
  /** Stops the indexer and starts it again on the same schema (what a supervisor would do). */
  restartIndexer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) {
      await step().catch((error: unknown) => console.error(`drill cleanup: ${(error as Error).message}`));
    }
    cleanup.length = 0;
  };
  try {
    const timings: string[] = [];
    const timed = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await step();
      timings.push(`${what} ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return result;
    };
    const adminAccount = privateKeyToAccount(anvilKeys.deployer);
    // The chain and the database are independent: started side by side.
    const chainReady = timed("anvil + deploy", async () => {
      const anvil = await startAnvil();
      cleanup.push(() => anvil.stop());
      const deployment = await deployReferralRewards({
        network: NETWORK,
        rpcUrl: anvil.rpcUrl,
        deployerKey: anvilKeys.deployer,
        operator: privateKeyToAccount(anvilKeys.operator).address,
        admin: adminAccount.address,
        mode: "MINT",
      });
      return { anvil, deployment };
    });
    const postgresReady = timed("postgres", async () => {
      const postgres = await startDrillPostgres();
      cleanup.push(() => postgres.destroy());
      return postgres;
    });
    // Both settle before going on, so a failure of one still leaves the other's clean-up queued.
    const [chainStarted, postgresStarted] = await Promise.allSettled([chainReady, postgresReady]);
    if (chainStarted.status === "rejected") throw chainStarted.reason;
    if (postgresStarted.status === "rejected") throw postgresStarted.reason;
    const { anvil, deployment } = chainStarted.value;
    const postgres = postgresStarted.value;
    const dir = mkdtempSync(join(tmpdir(), "refcodes-drill-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const deploymentFile = writeDeployment(deployment, dir);
    const rpc = await startTcpProxy({ host: "127.0.0.1", port: anvil.port });
    cleanup.push(() => rpc.close());

    const schema = `drill_${process.pid}`;
    const viewsSchema = `drill_${process.pid}_views`;
    const indexerOptions = {
      databaseUrl: postgres.url,
      rpcUrl: anvil.rpcUrl,
      network: NETWORK,
      deploymentsDir: dir,
      schema,
      viewsSchema,
      onLog: (line: string) => {
        if (process.env.INDEXER_LOG_LEVEL || /"level":(50|60)/.test(line)) console.error(`indexer: ${line}`);
      },
    };
    let indexer = await timed("indexer", () => startIndexer(indexerOptions));
    console.log(`  world ready: ${timings.join(", ")}`);
    const replicas: ServerReplica[] = [];
    cleanup.push(async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await indexer.stop();
    });

    const baseEnv = {
      NETWORK,
      DEPLOYMENTS_DIR: dir,
      DATABASE_URL: postgres.url,
      RPC_URL: rpc.url,
      PUBLIC_URL,
      ADMIN_WALLETS: adminAccount.address,
      LOG_LEVEL: process.env.DRILL_LOG_LEVEL || "warn",
      APP_DIST_DIR: dir, // no app build: pages answer the placeholder
      INDEXER_VIEWS_SCHEMA: viewsSchema,
      CRON_SECRET,
      FIAT_AUTO_APPROVE_HOURS: "0", // fiat rewards approve at the next minter run
      MINT_BATCH_SIZE: "4",
      MINT_INTERVAL_SECONDS: "1",
      MINT_RECEIPT_TIMEOUT_SECONDS: "5",
      REWARD_SWEEP_INTERVAL_SECONDS: "1",
      HOST_EVENTS_POLL_MS: "0",
      DB_POOL_MAX: "10",
      // Every simulated client comes from 127.0.0.1: per-address limits would throttle the load.
      RATE_LIMIT_NONCE_PER_MINUTE: "0",
      RATE_LIMIT_AUTH_PER_MINUTE: "0",
    };
    const chain = createPublicClient({ transport: http(anvil.rpcUrl) }) as PublicClient;
    const admin = createWalletClient({ account: adminAccount, transport: http(anvil.rpcUrl) });
    const world: World = {
      anvil,
      deployment,
      deploymentFile,
      rpc,
      postgres,
      get indexer() {
        return indexer;
      },
      viewsSchema,
      chain,
      admin: admin as World["admin"],
      adminAddress: adminAccount.address,
      record: new DrillRecord(),
      async replica(name, env = {}) {
        const replica = await serverReplica(name, { ...baseEnv, ...env });
        replicas.push(replica);
        return replica;
      },
      crashes: () => replicas.flatMap((replica) => replica.crashes()),
      replicaOutputs: () => replicas.map((replica) => `--- ${replica.name}:\n${replica.output()}`).join("\n"),
      async restartIndexer() {
        await indexer.stop();
        indexer = await startIndexer(indexerOptions);
      },
      stop,
    };
    world.record.onHealthCheck(() => assert.deepEqual(world.crashes(), [], "no server process died on its own"));
    return world;
  } catch (error) {
    await stop();
    throw error;
  }
}
