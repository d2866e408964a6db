// The steps of `npm start`, in order: ports, chain, contracts, app build, database and server,
// indexer. Each started process is registered for stop(), which stops them in reverse order, also
// when it is called halfway through the start.
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { DeploymentNotFoundError, loadDeployment, writeDeployment } from "../../../deployments/load.ts";
import type { Deployment } from "../../../deployments/schema.ts";
import { loadConfig, type ServerConfig } from "../../../server/config.ts";
import { type RunningServer, startServer } from "../../../server/server.ts";
import { type Anvil, startAnvil } from "../anvil.ts";
import { buildApp } from "../app-build.ts";
import { deployReferralRewards } from "../deploy.ts";
import { freePort, indexerSchemaFor, type RunningIndexer, startIndexer } from "../indexer.ts";
import { clearLocalChain, writeLocalChain } from "../local-chain.ts";
import { LOCAL_NETWORK, resolveNetworkSettings } from "../network-settings.ts";
import { dataDir } from "../paths.ts";
import { type Log, step } from "./progress.ts";

export interface RunningSystem {
  network: string;
  deploymentsDir: string | undefined;
  deployment: Deployment;
  deployed: boolean;
  serverConfig: ServerConfig;
  rpcUrl: string;
  anvil: Anvil | undefined;
  server: RunningServer;
  indexer: RunningIndexer;
  indexerSchema: string;
}

export class PortInUseError extends Error {
  override name = "PortInUseError";
}

/** `wanted` when free (0: any free port); a PortInUseError naming `variable` otherwise. */
async function claimPort(host: string, wanted: number, variable: string, what: string): Promise<number> {
  if (wanted === 0) return freePort();
  const probe = createServer();
  const free = await new Promise<boolean>((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(wanted, host, () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new PortInUseError(
      `port ${wanted} (${what}) is in use, perhaps by another npm start: stop it, or set ${variable} (0 picks a free port)`,
    );
  }
  return wanted;
}

/** The recorded deployment if its proxy still has code on this chain; otherwise undefined. */
async function liveDeployment(network: string, dir: string | undefined, rpcUrl: string) {
  let deployment: Deployment;
  try {
    deployment = loadDeployment(network, dir);
  } catch (error) {
    if (error instanceof DeploymentNotFoundError) return undefined;
    throw error;
  }
  const client = createPublicClient({ transport: http(rpcUrl) });
  if ((await client.getChainId()) !== deployment.chainId) return undefined;
  const code = await client.getCode({ address: deployment.proxy });
  return code && code !== "0x" ? deployment : undefined;
}

/** Rollup's notes about /*#__PURE__*\/ comments it drops in dependencies: harmless, and pages long. */
const HARMLESS_BUILD_WARNING = /annotation that Rollup cannot interpret|^\s*"\/\*#__PURE__\*\/"\s*$|A comment\s*$/;

async function withoutHarmlessBuildWarnings<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!HARMLESS_BUILD_WARNING.test(args.map(String).join(" "))) warn(...args);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

/** How far the indexer is, from its /status and the chain's head. */
async function indexerProgress(indexerUrl: string, rpcUrl: string): Promise<string | undefined> {
  const status = (await (await fetch(`${indexerUrl}/status`)).json()) as Record<string, { block?: { number: number } }>;
  const indexed = Object.values(status)[0]?.block?.number;
  if (indexed === undefined) return "syncing";
  const head = await createPublicClient({ transport: http(rpcUrl) }).getBlockNumber();
  return `block ${indexed} of ${head}`;
}

export class LocalSystem {
  private readonly stops: { what: string; stop: () => Promise<void> }[] = [];
  private stopping = false;
  private readonly log: Log;

  constructor(log: Log) {
    this.log = log;
  }

  /** Starts everything; throws StartAborted when stop() came first. */
  async start(): Promise<RunningSystem> {
    const { log } = this;
    const network = process.env.NETWORK || LOCAL_NETWORK;
    const deploymentsDir = process.env.DEPLOYMENTS_DIR || undefined;
    // Validate the configuration before anything slow; RPC_URL and the ports are settled below.
    const baseConfig = loadConfig({ ...process.env, NETWORK: network });
    const port = await claimPort(baseConfig.host, baseConfig.port, "PORT", "the server");
    const publicHost = ["0.0.0.0", "::"].includes(baseConfig.host) ? "127.0.0.1" : baseConfig.host;
    // SIWE accepts messages for PUBLIC_URL only: by default the very origin printed below.
    const serverConfig = loadConfig({
      ...process.env,
      NETWORK: network,
      PORT: String(port),
      PUBLIC_URL: process.env.PUBLIC_URL || `http://${publicHost}:${port}`,
    });
    const indexerPort = await claimPort(
      "127.0.0.1",
      Number(process.env.INDEXER_PORT || 42069),
      "INDEXER_PORT",
      "the indexer",
    );

    let anvil: Anvil | undefined;
    if (!process.env.RPC_URL) {
      const stateDir = join(dataDir, "anvil");
      mkdirSync(stateDir, { recursive: true });
      anvil = await this.started("anvil", () =>
        startAnvil({ args: ["--state", join(stateDir, "state.json"), "--state-interval", "5"] }),
      );
      const pid = anvil.process.pid ?? 0;
      this.stops.push({
        what: "anvil",
        stop: async () => {
          clearLocalChain(pid);
          await anvil!.stop(); // anvil writes its state file on exit
        },
      });
      process.env.RPC_URL = anvil.rpcUrl;
      writeLocalChain({ rpcUrl: anvil.rpcUrl, wsUrl: anvil.wsUrl, pid });
      log(`anvil listening on ${anvil.rpcUrl} (state in ${stateDir})`);
    }
    const settings = resolveNetworkSettings(network);

    let deployment = await liveDeployment(network, deploymentsDir, settings.rpcUrl);
    const deployed = deployment === undefined;
    if (deployment) {
      log(`contracts already deployed on ${network} (block ${deployment.startBlock})`);
    } else {
      deployment = await step(log, `deploying to ${network}`, () =>
        deployReferralRewards({ ...settings, mode: "MINT", log: (line) => log(`  ${line}`) }),
      );
      writeDeployment(deployment, deploymentsDir);
    }
    this.throwIfStopping();

    const app = await step(
      log,
      "building the app",
      () =>
        withoutHarmlessBuildWarnings(() =>
          buildApp({
            network,
            ...(deploymentsDir ? { deploymentsDir } : {}),
            ...(serverConfig.app.distDir ? { outDir: serverConfig.app.distDir } : {}),
          }),
        ),
      { done: (result, ms) => (result.built ? `app built in ${ms} ms` : "app up to date") },
    );
    this.throwIfStopping();

    const firstDatabaseStart =
      !serverConfig.databaseUrl && !existsSync(join(dataDir, "postgres", "data", "PG_VERSION"));
    const server = await step(
      log,
      serverConfig.databaseUrl
        ? "starting the server on DATABASE_URL"
        : `starting PostgreSQL${firstDatabaseStart ? " (first start: initialising its data directory)" : ""} and the server`,
      () =>
        this.started("server", () =>
          startServer(
            {
              ...serverConfig,
              rpcUrl: settings.rpcUrl,
              app: {
                ...serverConfig.app,
                distDir: app.outDir,
                indexerPublicUrl: serverConfig.app.indexerPublicUrl ?? `http://127.0.0.1:${indexerPort}/graphql`,
              },
            },
            { deployment },
          ),
        ),
      { done: (_, ms) => `database and server ready in ${ms} ms` },
    );
    this.stops.push({ what: "server and database", stop: () => server.stop() });
    await this.ready(`${server.url}/readyz`);

    const indexerSchema = process.env.INDEXER_SCHEMA || indexerSchemaFor(deployment);
    const indexerUrl = `http://127.0.0.1:${indexerPort}`;
    const indexer = await step(
      log,
      `starting the indexer (schema ${indexerSchema})`,
      () =>
        this.started("indexer", () =>
          startIndexer({
            databaseUrl: server.databaseUrl,
            rpcUrl: settings.rpcUrl,
            network,
            ...(deploymentsDir ? { deploymentsDir } : {}),
            schema: indexerSchema,
            viewsSchema: serverConfig.indexerViewsSchema,
            port: indexerPort,
            onLog: (line) => {
              if (process.env.INDEXER_LOG_LEVEL || /"level":(50|60)/.test(line)) console.error(`indexer: ${line}`);
            },
          }),
        ),
      { done: (_, ms) => `indexer ready in ${ms} ms`, detail: () => indexerProgress(indexerUrl, settings.rpcUrl) },
    );
    this.stops.push({ what: "indexer", stop: () => indexer.stop() });
    this.throwIfStopping();

    return {
      network,
      deploymentsDir,
      deployment,
      deployed,
      serverConfig: server.deps.config,
      rpcUrl: settings.rpcUrl,
      anvil,
      server,
      indexer,
      indexerSchema,
    };
  }

  /** Stops what was started, newest first; a part that fails or hangs does not hold up the rest. */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopping = true;
    for (const { what, stop } of this.stops.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.log(`stopping the ${what} took over ${timeoutMs / 1000} s; moving on`);
          resolve();
        }, timeoutMs);
      });
      await Promise.race([
        stop().catch((error: Error) => this.log(`stopping the ${what}: ${error.message}`)),
        timedOut,
      ]);
      clearTimeout(timer);
    }
  }

  private throwIfStopping() {
    if (this.stopping) throw new StartAborted();
  }

  /** Runs a step that starts a process, unless stopping already. One that is still starting when
   *  stop() runs is not registered yet: start.ts's sweep of the process group ends it. */
  private async started<T>(what: string, run: () => Promise<T>): Promise<T> {
    this.throwIfStopping();
    try {
      return await run();
    } catch (error) {
      throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Polls a readiness URL until it answers 200 (the server answers as soon as it listens). */
  private async ready(url: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await fetch(url).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${url} answered ${status || "nothing"} for ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export class StartAborted extends Error {
  override name = "StartAborted";
  constructor() {
    super("stopped while starting");
  }
}
