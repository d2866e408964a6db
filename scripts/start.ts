// `npm start`: the whole system on embedded defaults. At this stage: a local anvil (unless
// RPC_URL is set) whose state persists in .data/, the contracts deployed if they are not there
// yet, an embedded PostgreSQL (unless DATABASE_URL is set) with its data in .data/postgres, and
// the server with its migrations applied; then the Ponder indexer on the same database. Ctrl-C
// stops everything this script started.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { DeploymentNotFoundError, loadDeployment, writeDeployment } from "../deployments/load.ts";
import type { Deployment } from "../deployments/schema.ts";
import { type Anvil, startAnvil } from "./lib/anvil.ts";
import { deployReferralRewards } from "./lib/deploy.ts";
import { buildApp } from "./lib/app-build.ts";
import { freePort, indexerSchemaFor, type RunningIndexer, startIndexer } from "./lib/indexer.ts";
import { clearLocalChain, writeLocalChain } from "./lib/local-chain.ts";
import { LOCAL_NETWORK, resolveNetworkSettings } from "./lib/network-settings.ts";
import { dataDir } from "./lib/paths.ts";
import { LOCAL_PAYMENT_CREDENTIALS, loadConfig } from "../server/config.ts";
import { type RunningServer, startServer } from "../server/server.ts";

const network = process.env.NETWORK ?? LOCAL_NETWORK;
let anvil: Anvil | undefined;
let server: RunningServer | undefined;
let indexer: RunningIndexer | undefined;

async function stop(code = 0) {
  await indexer?.stop();
  await server?.stop();
  if (anvil) {
    clearLocalChain(anvil.process.pid ?? 0);
    await anvil.stop(); // anvil writes its state file on exit
  }
  process.exit(code);
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());

/** The recorded deployment if its proxy still has code on this chain; otherwise undefined. */
async function liveDeployment(rpcUrl: string): Promise<Deployment | undefined> {
  let deployment: Deployment;
  try {
    deployment = loadDeployment(network);
  } catch (error) {
    if (error instanceof DeploymentNotFoundError) return undefined;
    throw error;
  }
  const client = createPublicClient({ transport: http(rpcUrl) });
  if ((await client.getChainId()) !== deployment.chainId) return undefined;
  const code = await client.getCode({ address: deployment.proxy });
  return code && code !== "0x" ? deployment : undefined;
}

try {
  // Validate the server's configuration before starting anything that takes time; its RPC_URL is
  // the chain's, set below.
  const serverConfig = loadConfig({ ...process.env, NETWORK: network });
  if (!process.env.RPC_URL) {
    const stateDir = join(dataDir, "anvil");
    mkdirSync(stateDir, { recursive: true });
    anvil = await startAnvil({ args: ["--state", join(stateDir, "state.json"), "--state-interval", "5"] });
    process.env.RPC_URL = anvil.rpcUrl;
    writeLocalChain({ rpcUrl: anvil.rpcUrl, wsUrl: anvil.wsUrl, pid: anvil.process.pid ?? 0 });
  }
  const settings = resolveNetworkSettings(network);
  let deployment = await liveDeployment(settings.rpcUrl);
  if (deployment) {
    console.log(`contracts already deployed on ${network} (block ${deployment.startBlock})`);
  } else {
    console.log(`deploying to ${network}...`);
    deployment = await deployReferralRewards({ ...settings, mode: "MINT", log: (m) => console.log(`  ${m}`) });
    writeDeployment(deployment);
  }

  const appStarted = performance.now();
  console.log("building the app...");
  const app = await buildApp({ network, ...(serverConfig.app.distDir ? { outDir: serverConfig.app.distDir } : {}) });
  console.log(app.built ? `app built in ${Math.round(performance.now() - appStarted)} ms` : "app up to date");

  const started = performance.now();
  const indexerPort = Number(process.env.INDEXER_PORT || 42069) || (await freePort()); // 0: any free port
  const appConfig = {
    ...serverConfig.app,
    indexerPublicUrl: serverConfig.app.indexerPublicUrl ?? `http://127.0.0.1:${indexerPort}/graphql`,
  };
  // embedded PostgreSQL unless DATABASE_URL
  server = await startServer({ ...serverConfig, rpcUrl: settings.rpcUrl, app: appConfig }, { deployment });
  console.log(`database and server ready in ${Math.round(performance.now() - started)} ms`);

  const indexerStarted = performance.now();
  const viewsSchema = serverConfig.indexerViewsSchema; // where the server's analytics reads
  const indexerSchema = process.env.INDEXER_SCHEMA || indexerSchemaFor(deployment);
  console.log(`starting the indexer (schema ${indexerSchema})...`);
  indexer = await startIndexer({
    databaseUrl: server.databaseUrl,
    rpcUrl: settings.rpcUrl,
    network,
    schema: indexerSchema,
    viewsSchema,
    port: indexerPort,
    onLog: (line) => {
      if (process.env.INDEXER_LOG_LEVEL || /"level":(50|60)/.test(line)) console.error(`indexer: ${line}`);
    },
  });
  console.log(`indexer ready in ${Math.round(performance.now() - indexerStarted)} ms`);
  const database =
    server.embeddedPort === undefined
      ? "DATABASE_URL"
      : `embedded PostgreSQL 18 on 127.0.0.1:${server.embeddedPort} (data in ${join(dataDir, "postgres")})`;

  console.log(`
Refcodes is running
  app               ${server.url}   (store ${server.url}/store, dashboard /dashboard, admin /admin, verify /verify)
  server            ${server.url}   (API reference ${server.url}/api/docs, metrics ${server.url}/metrics)
  indexer GraphQL   ${indexer.graphqlUrl}   (SQL client ${indexer.url}/sql, status ${indexer.url}/status; views schema ${viewsSchema})
  database          ${database}   (migrations applied)
  chain RPC         ${settings.rpcUrl}${anvil ? `   (ws ${anvil.wsUrl}; anvil, state in ${join(dataDir, "anvil")})` : ""}
  chain id          ${deployment.chainId}
  ReferralRewards   ${deployment.proxy}   (implementation ${deployment.implementation})
  RewardToken       ${deployment.token}   (mode ${deployment.mode})
  operator          ${deployment.operator}
  admin             ${deployment.admin}
  deployment file   deployments/${network}.json
  webhooks          ${server.url}/api/webhooks/wayforpay${paymentNote(serverConfig.wayforpay?.secretKey, LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey)}
                    ${server.url}/api/webhooks/stripe${paymentNote(serverConfig.stripe?.webhookSecret, LOCAL_PAYMENT_CREDENTIALS.stripeWebhookSecret)}
Ctrl-C stops everything.`);
} catch (error) {
  console.error(`npm start failed: ${(error as Error).message}`);
  await stop(1);
}

/** Whether a payment provider's webhook is live, and whether with the local test secret. */
function paymentNote(secret: string | undefined, localSecret: string): string {
  if (secret === undefined) return "   (not configured)";
  return secret === localSecret ? "   (local test secret, see README: Fiat payments)" : "";
}
