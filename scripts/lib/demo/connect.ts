// What `npm run demo` needs to know about the running system, found the way a client finds it:
// the server answers /readyz and /api/app-config (chain id, indexer URL), the deployment file
// names the contract, and the admin is anvil's deployer signing in with Ethereum.
import { createPublicClient, http, type PublicClient } from "viem";
import { DeploymentNotFoundError, loadDeployment } from "../../../deployments/load.ts";
import type { Deployment } from "../../../deployments/schema.ts";
import { LOCAL_PAYMENT_CREDENTIALS } from "../../../server/config.ts";
import { HttpSession } from "../http-session.ts";
import { testAccount } from "../test-accounts.ts";
import type { WayForPayCredentials } from "../../../server/payments/wayforpay/callback.ts";

export interface DemoTarget {
  /** Where the requests go, e.g. http://127.0.0.1:8787. */
  baseUrl: string;
  /** The server's PUBLIC_URL, which SIWE messages must name (default: baseUrl). */
  publicUrl: string;
  chainId: number;
  deployment: Deployment;
  chain: PublicClient;
  indexerUrl: string | undefined;
  admin: HttpSession;
  wayforpay: WayForPayCredentials;
  /** When set, the demo mints through the cron route (as a scheduler would) instead of "Mint now". */
  cronSecret: string | undefined;
}

export class DemoSetupError extends Error {
  override name = "DemoSetupError";
}

export interface ConnectOptions {
  baseUrl: string;
  env?: NodeJS.ProcessEnv;
}

export async function connectDemo({ baseUrl, env = process.env }: ConnectOptions): Promise<DemoTarget> {
  const ready = await fetch(new URL("/readyz", baseUrl)).then(
    (response) => response.status,
    (error: Error) => error.message,
  );
  if (ready !== 200) {
    throw new DemoSetupError(
      `the server at ${baseUrl} is not ready (${ready}): start it with \`npm start\`, or pass its URL: npm run demo -- http://127.0.0.1:PORT`,
    );
  }
  const config = (await (await fetch(new URL("/api/app-config", baseUrl))).json()) as {
    chainId: number;
    rpcUrl: string;
    indexerUrl: string | null;
  };
  const network = env.NETWORK || "local";
  let deployment: Deployment;
  try {
    deployment = loadDeployment(network, env.DEPLOYMENTS_DIR || undefined);
  } catch (error) {
    if (error instanceof DeploymentNotFoundError) throw new DemoSetupError(error.message);
    throw error;
  }
  if (deployment.chainId !== config.chainId) {
    throw new DemoSetupError(
      `the server runs on chain ${config.chainId}, but deployments/${network}.json is for chain ${deployment.chainId}: set NETWORK (or DEPLOYMENTS_DIR) to the server's`,
    );
  }
  const publicUrl = env.PUBLIC_URL || baseUrl;
  const admin = new HttpSession(baseUrl, "Mozilla/5.0 refcodes-demo admin");
  const session = await admin.signIn(testAccount("admin").privateKey, { publicUrl, chainId: config.chainId });
  if (!session.isAdmin) {
    throw new DemoSetupError(
      `anvil's account #0 (${session.wallet}) is not an admin of this deployment: the demo approves and mints as it`,
    );
  }
  return {
    baseUrl,
    publicUrl,
    chainId: config.chainId,
    deployment,
    chain: createPublicClient({ transport: http(config.rpcUrl) }) as PublicClient,
    indexerUrl: config.indexerUrl ?? undefined,
    admin,
    wayforpay: {
      merchantAccount: env.WAYFORPAY_MERCHANT_ACCOUNT || LOCAL_PAYMENT_CREDENTIALS.wayforpayMerchantAccount,
      secretKey: env.WAYFORPAY_SECRET_KEY || LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey,
    },
    cronSecret: env.CRON_SECRET || undefined,
  };
}
