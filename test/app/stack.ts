// One local stack for the browser suite and bench:app, wired the way `npm start` wires it: anvil,
// ReferralRewards deployed in MINT mode (recorded as network "local" in cache/app-test-deployments),
// the app built with buildApp for that deployment into cache/app-test-dist (once: every stack's
// deployment is the same), a fresh database (embedded
// PostgreSQL, or a new database on DATABASE_URL's server), the server on a free port of 127.0.0.1
// whose PUBLIC_URL is that exact origin (SIWE checks it), and the Ponder indexer on its own schema.
// stop() stops and removes all of it but the build.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Address, createPublicClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { writeDeployment } from "../../deployments/load.ts";
import type { Deployment } from "../../deployments/schema.ts";
import { buildApp } from "../../scripts/lib/app-build.ts";
import { rootDir } from "../../scripts/lib/paths.ts";
import { type Anvil, startAnvil } from "../../scripts/lib/anvil.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { deployReferralRewards } from "../../scripts/lib/deploy.ts";
import { dropIndexerSchemas, freePort, type RunningIndexer, startIndexer } from "../../scripts/lib/indexer.ts";
import { loadConfig, type RawEnv } from "../../server/config.ts";
import { type RunningServer, startServer } from "../../server/server.ts";
import {
  createTestDatabase,
  siweMessage,
  stopEmbedded,
  TestClient,
  type TestDatabase,
  testServerEnv,
} from "../../server/test/harness.ts";

export const NETWORK = "local";

export interface AppStackOptions {
  /** Server environment on top of the stack's own. */
  env?: RawEnv;
  /** Start the indexer (default true; bench:app does without). */
  indexer?: boolean;
  /** Progress lines ("anvil ready in 120 ms"). */
  log?: (line: string) => void;
}

export interface AppStack {
  /** The app's and API's origin, e.g. http://127.0.0.1:41234 (also PUBLIC_URL). */
  url: string;
  anvil: Anvil;
  deployment: Deployment;
  /** Where `local.json` (the deployment the app was built for) is. */
  deploymentsDir: string;
  /** The built app the server serves (APP_DIST_DIR). */
  appDir: string;
  appBuildMs: number;
  database: TestDatabase;
  server: RunningServer;
  indexer: RunningIndexer | undefined;
  indexerSchema: string;
  indexerViewsSchema: string;
  publicClient: PublicClient;
  /** The admin wallet (ADMIN_WALLETS, and DEFAULT_ADMIN_ROLE on the contract): anvil's deployer. */
  adminAddress: Address;
  /** A cookie-keeping API client (`client`, or a new one) signed in with `key` through real SIWE
   *  for this origin. */
  signIn(
    key: Hex,
    client?: TestClient,
  ): Promise<{ client: TestClient; session: { userId: string; wallet: Address; isAdmin: boolean } }>;
  stop(): Promise<void>;
}

const SHARED_BUILD_DEPLOYED_AT = "2026-01-01T00:00:00.000Z";
const sharedAppDir = join(rootDir, "cache", "app-test-dist");
const sharedDeploymentsDir = join(rootDir, "cache", "app-test-deployments");

export async function startAppStack(options: AppStackOptions = {}): Promise<AppStack> {
  const log = options.log ?? (() => {});
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  const runCleanup = async () => {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`app stack cleanup: ${(error as Error).message}`);
      }
    }
    cleanup.length = 0;
  };
  const timed = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await step();
    log(`${what} in ${Math.round(performance.now() - started)} ms`);
    return result;
  };

  try {
    const anvil = await timed("anvil ready", () => startAnvil());
    cleanup.push(() => anvil.stop());
    const adminAddress = privateKeyToAccount(anvilKeys.deployer).address;
    const deployment = await timed("contracts deployed (MINT)", () =>
      deployReferralRewards({
        network: NETWORK,
        rpcUrl: anvil.rpcUrl,
        deployerKey: anvilKeys.deployer,
        operator: privateKeyToAccount(anvilKeys.operator).address,
        admin: adminAddress,
        mode: "MINT",
      }),
    );
    const deploymentsDir = sharedDeploymentsDir;
    mkdirSync(deploymentsDir, { recursive: true });
    // A fresh anvil gives every stack the same addresses and blocks; with the deploy time fixed and
    // one place for the file, the deployment is the same too, so the app test files share one build
    // (buildApp skips a build whose sources and deployment it already built) instead of ~40 s each.
    writeDeployment({ ...deployment, deployedAt: SHARED_BUILD_DEPLOYED_AT }, deploymentsDir);

    const appDir = sharedAppDir;
    const buildStarted = performance.now();
    await timed("app built", () => buildApp({ network: NETWORK, deploymentsDir, outDir: appDir }));
    const appBuildMs = Math.round(performance.now() - buildStarted);

    const database = await timed("database created", () => createTestDatabase());
    cleanup.push(() => stopEmbedded());
    cleanup.push(() => database.drop());

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const withIndexer = options.indexer !== false;
    const indexerPort = withIndexer ? await freePort() : 0;
    const run = `${process.pid}_${Date.now().toString(36)}`;
    const indexerSchema = `app_test_${run}`;
    const indexerViewsSchema = `app_test_${run}_views`;
    const config = loadConfig(
      testServerEnv(database.url, anvil.rpcUrl, {
        PORT: String(port),
        PUBLIC_URL: url,
        NETWORK, // the local network: test payment credentials, the demo store's simulate route, anvil's minter key
        ADMIN_WALLETS: adminAddress,
        APP_DIST_DIR: appDir,
        MINT_INTERVAL_SECONDS: "0", // the admin's "Mint now" mints
        INDEXER_VIEWS_SCHEMA: indexerViewsSchema,
        ...(withIndexer ? { INDEXER_PUBLIC_URL: `http://127.0.0.1:${indexerPort}/graphql` } : {}),
        LOG_LEVEL: process.env.APP_TEST_LOG_LEVEL || "silent",
        ...options.env,
      }),
    );
    const server = await timed(`server listening on ${url}`, () => startServer(config, { deployment }));
    cleanup.push(() => server.stop());

    let indexer: RunningIndexer | undefined;
    if (withIndexer) {
      indexer = await timed("indexer ready", () =>
        startIndexer({
          databaseUrl: server.databaseUrl,
          rpcUrl: anvil.rpcUrl,
          network: NETWORK,
          deploymentsDir,
          schema: indexerSchema,
          viewsSchema: indexerViewsSchema,
          port: indexerPort,
          onLog: (line) => {
            if (process.env.INDEXER_LOG_LEVEL || /"level":(50|60)/.test(line)) console.error(`indexer: ${line}`);
          },
        }),
      );
      cleanup.push(() => dropIndexerSchemas(server.databaseUrl, [indexerSchema, indexerViewsSchema]));
      cleanup.push(() => indexer!.stop());
    }

    const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) }) as PublicClient;
    const origin = new URL(url);
    let stopping: Promise<void> | undefined;
    return {
      url,
      anvil,
      deployment,
      deploymentsDir,
      appDir,
      appBuildMs,
      database,
      server,
      indexer,
      indexerSchema,
      indexerViewsSchema,
      publicClient,
      adminAddress,
      async signIn(key, client = new TestClient(url)) {
        const account = privateKeyToAccount(key);
        const message = await siweMessage(client, account.address, {
          domain: origin.host,
          uri: `${origin.origin}/`,
          chainId: deployment.chainId,
        });
        const signature = await account.signMessage({ message });
        const response = await client.post("/api/auth/verify", { message, signature });
        if (response.status !== 200) {
          throw new Error(`sign-in of ${account.address} failed: ${response.status} ${JSON.stringify(response.body)}`);
        }
        return { client, session: response.body };
      },
      stop: () => (stopping ??= runCleanup()),
    };
  } catch (error) {
    await runCleanup();
    throw error;
  }
}
