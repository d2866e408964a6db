// Starts the server: database (embedded unless DATABASE_URL), migrations, chain, HTTP.
import { type ServerType, serve } from "@hono/node-server";
import { loadDeployment } from "../deployments/load.ts";
import type { Deployment } from "../deployments/schema.ts";
import { readLocalChain } from "../scripts/lib/local-chain.ts";
import { createApp, type ServerApp } from "./app.ts";
import { createAdminCheck } from "./auth/admin.ts";
import { connectChain } from "./chain.ts";
import { ConfigError, type ServerConfig } from "./config.ts";
import { openAppDatabase } from "./db/embedded.ts";
import type { AppDeps } from "./deps.ts";
import { createLogger } from "./http/logging.ts";
import { createMetrics } from "./http/metrics.ts";
import type { RewardHook } from "./rewards/hook.ts";
import { createLedgerHook } from "./rewards/ledger/hook.ts";
import { createSizer } from "./rewards/ledger/sizer.ts";

export interface RunningServer {
  url: string;
  /** The database in use (DATABASE_URL or the embedded one's), for the indexer. */
  databaseUrl: string;
  /** The port of the embedded PostgreSQL in use, when DATABASE_URL was not set. */
  embeddedPort: number | undefined;
  deps: AppDeps;
  app: ServerApp;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** The deployment to serve; defaults to deployments/<NETWORK>.json. */
  deployment?: Deployment;
  rewards?: RewardHook;
}

export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, config);
  const rpcUrl = config.rpcUrl ?? readLocalChain()?.rpcUrl;
  if (!rpcUrl)
    throw new ConfigError(["RPC_URL: not set, and no local chain is running (start one with `npm run chain`)"]);
  const deployment = options.deployment ?? loadDeployment(config.network);

  const appDatabase = await openAppDatabase(config.databaseUrl, { max: config.dbPoolMax });
  const { database, embeddedPort } = appDatabase;
  if (embeddedPort !== undefined) logger.info({ port: embeddedPort }, "embedded PostgreSQL ready");

  const chain = connectChain(rpcUrl, deployment);
  const sizer = createSizer(database.db, chain);
  const rewards =
    options.rewards ??
    createLedgerHook(database.db, sizer, {
      program: config.commission,
      fiatAutoApproveSeconds: config.fiatAutoApproveSeconds,
      token: deployment.token,
      chainId: deployment.chainId,
    });
  const deps: AppDeps = {
    config,
    database,
    db: database.db,
    logger,
    chain,
    metrics: createMetrics(),
    isAdmin: createAdminCheck(chain, config.adminWallets, config.adminRoleCacheSeconds),
    rewards,
    sizer,
  };
  const serverApp = createApp(deps);
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: serverApp.app.fetch, hostname: config.host, port: config.port }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as { port: number };
  const url = `http://${config.host}:${port}`;
  logger.info({ url }, "server listening");

  let stopping: Promise<void> | undefined;
  return {
    url,
    databaseUrl: appDatabase.url,
    embeddedPort,
    deps,
    app: serverApp,
    stop: () =>
      (stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // keep-alive sockets would hold close() open
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await serverApp.close();
        await appDatabase.stop();
      })()),
  };
}
