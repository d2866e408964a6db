// `npm run admin:handover -- --network <name> --new-admin <multisig> [limits] [--dry-run]`
// Hands DEFAULT_ADMIN_ROLE of the ReferralRewards proxy (and of the reward token, when the same
// key administers it) to a new admin, usually a Safe. The old admin renounces only after every
// grant is mined and read back from the chain, so a failed or dropped grant never leaves the
// contract without an admin. ReferralRewards uses plain AccessControl (not the two-step
// AccessControlDefaultAdminRules): the new admin does not accept, so the address must be right.
// --dry-run sends nothing and prints the calls for the current admin (e.g. an old Safe) to run.
import { parseArgs } from "node:util";
import {
  type Address,
  createPublicClient,
  encodeFunctionData,
  getAddress,
  type Hash,
  type Hex,
  http,
  isAddress,
  parseUnits,
  type PublicClient,
  zeroAddress,
} from "viem";
import { referralRewardsAbi, rewardTokenAbi } from "../deployments/abi.ts";
import { loadDeployment, writeDeployment } from "../deployments/load.ts";
import type { Deployment } from "../deployments/schema.ts";
import { anvilKeys } from "./lib/anvil-accounts.ts";
import { connect } from "./lib/clients.ts";
import { DEFAULT_ADMIN_ROLE, type Limits } from "./lib/deploy.ts";
import { readLocalChain } from "./lib/local-chain.ts";
import { LOCAL_NETWORK } from "./lib/network-settings.ts";

export class HandoverError extends Error {
  override name = "HandoverError";
}

export interface HandoverCall {
  to: Address;
  value: "0";
  data: Hex;
  description: string;
  /** Grants and limits run first; renounces only once the grants are confirmed. */
  phase: "grant" | "renounce";
}

export interface HandoverOptions {
  deployment: Pick<Deployment, "proxy" | "token">;
  newAdmin: Address;
  limits?: Limits;
  /** Leave the token's admin role where it is (e.g. a token someone else administers). */
  keepTokenAdmin?: boolean;
  /** A plain account as the new admin; refused by default, since a multisig is a contract. */
  allowEoa?: boolean;
}

const hasRole = async (client: PublicClient, contract: Address, account: Address): Promise<boolean> => {
  try {
    return await client.readContract({
      address: contract,
      abi: referralRewardsAbi,
      functionName: "hasRole",
      args: [DEFAULT_ADMIN_ROLE, account],
    });
  } catch {
    return false; // a token without AccessControl: nobody here administers it
  }
};

/** The calls that move the admin role from `from` to `options.newAdmin`, in the order to run
 *  them; empty when the handover is already done. Reads the chain, sends nothing. */
export async function planHandover(
  client: PublicClient,
  from: Address,
  options: HandoverOptions,
): Promise<HandoverCall[]> {
  const newAdmin = getAddress(options.newAdmin);
  const { proxy, token } = options.deployment;
  if (newAdmin === zeroAddress) throw new HandoverError("the new admin cannot be the zero address");
  if (newAdmin === getAddress(from)) throw new HandoverError(`${newAdmin} is already the current admin`);
  const code = await client.getCode({ address: newAdmin });
  if (!options.allowEoa && (code === undefined || code === "0x")) {
    throw new HandoverError(`${newAdmin} has no code: a multisig is a contract (pass --allow-eoa for a plain account)`);
  }

  const fromIsAdmin = await hasRole(client, proxy, from);
  const newIsAdmin = await hasRole(client, proxy, newAdmin);
  if (!fromIsAdmin && !newIsAdmin) {
    throw new HandoverError(`${from} does not hold DEFAULT_ADMIN_ROLE on ${proxy}`);
  }
  if (!fromIsAdmin && options.limits) {
    throw new HandoverError(`${from} is no longer admin: the new admin sets the limits now`);
  }
  const handToken = !options.keepTokenAdmin && (await hasRole(client, token, from));
  const tokenDone = handToken && (await hasRole(client, token, newAdmin));

  const call =
    (to: Address, abi: typeof referralRewardsAbi | typeof rewardTokenAbi, phase: HandoverCall["phase"]) =>
    (functionName: "grantRole" | "renounceRole" | "setLimits", args: readonly unknown[], description: string) =>
      ({
        to,
        value: "0",
        data: encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]),
        description,
        phase,
      }) satisfies HandoverCall;
  const calls: HandoverCall[] = [];
  if (options.limits) {
    const { maxPerPayment, windowBudget, windowDuration } = options.limits;
    calls.push(
      call(proxy, referralRewardsAbi, "grant")(
        "setLimits",
        [maxPerPayment, windowBudget, windowDuration],
        `ReferralRewards.setLimits(${maxPerPayment}, ${windowBudget}, ${windowDuration})`,
      ),
    );
  }
  if (fromIsAdmin && !newIsAdmin) {
    calls.push(
      call(proxy, referralRewardsAbi, "grant")(
        "grantRole",
        [DEFAULT_ADMIN_ROLE, newAdmin],
        `ReferralRewards.grantRole(DEFAULT_ADMIN_ROLE, ${newAdmin})`,
      ),
    );
  }
  if (handToken && !tokenDone) {
    calls.push(
      call(token, rewardTokenAbi, "grant")(
        "grantRole",
        [DEFAULT_ADMIN_ROLE, newAdmin],
        `RewardToken.grantRole(DEFAULT_ADMIN_ROLE, ${newAdmin})`,
      ),
    );
  }
  if (fromIsAdmin) {
    calls.push(
      call(proxy, referralRewardsAbi, "renounce")(
        "renounceRole",
        [DEFAULT_ADMIN_ROLE, getAddress(from)],
        `ReferralRewards.renounceRole(DEFAULT_ADMIN_ROLE, ${getAddress(from)})`,
      ),
    );
  }
  if (handToken) {
    calls.push(
      call(token, rewardTokenAbi, "renounce")(
        "renounceRole",
        [DEFAULT_ADMIN_ROLE, getAddress(from)],
        `RewardToken.renounceRole(DEFAULT_ADMIN_ROLE, ${getAddress(from)})`,
      ),
    );
  }
  return calls;
}

export interface HandoverResult {
  calls: HandoverCall[];
  txHashes: Hash[];
}

/** Runs the handover signed by `adminKey`: limits and grants, then a read-back of every grant,
 *  then the renounces. Throws HandoverError (before any renounce) if a grant did not land. */
export async function executeHandover(
  rpcUrl: string,
  adminKey: Hex,
  options: HandoverOptions & { confirmations?: number; log?: (message: string) => void },
): Promise<HandoverResult> {
  const log = options.log ?? (() => {});
  const { publicClient, walletClient, account } = await connect(rpcUrl, adminKey);
  const calls = await planHandover(publicClient, account.address, options);
  const txHashes: Hash[] = [];
  const send = async (call: HandoverCall) => {
    const hash = await walletClient.sendTransaction({ to: call.to, data: call.data });
    const receipt = await publicClient.waitForTransactionReceipt({
      hash,
      confirmations: options.confirmations ?? 1,
    });
    if (receipt.status !== "success") throw new HandoverError(`${call.description} reverted (tx ${hash})`);
    txHashes.push(hash);
    log(`${call.description}: tx ${hash}`);
  };

  for (const call of calls.filter((c) => c.phase === "grant")) await send(call);
  const renounces = calls.filter((c) => c.phase === "renounce");
  const newAdmin = getAddress(options.newAdmin);
  for (const renounce of renounces) {
    if (!(await hasRole(publicClient, renounce.to, newAdmin))) {
      throw new HandoverError(`${newAdmin} does not hold DEFAULT_ADMIN_ROLE on ${renounce.to}: nothing renounced`);
    }
  }
  for (const call of renounces) await send(call);
  for (const renounce of renounces) {
    if (await hasRole(publicClient, renounce.to, account.address)) {
      throw new HandoverError(`${account.address} still holds DEFAULT_ADMIN_ROLE on ${renounce.to}`);
    }
  }
  return { calls, txHashes };
}

/** Token amounts as the token counts them (its decimals), for setLimits. */
export async function parseLimits(
  client: PublicClient,
  token: Address,
  flags: { maxPerPayment?: string; windowBudget?: string; windowSeconds?: string },
): Promise<Limits | undefined> {
  if (flags.maxPerPayment === undefined && flags.windowBudget === undefined) {
    if (flags.windowSeconds !== undefined) throw new HandoverError("--window-seconds needs --window-budget");
    return undefined;
  }
  const decimals = await client.readContract({ address: token, abi: rewardTokenAbi, functionName: "decimals" });
  const amount = (flag: string, value: string | undefined) => {
    if (value === undefined) return 0n;
    try {
      return parseUnits(value, decimals);
    } catch {
      throw new HandoverError(`${flag} must be a token amount such as 1000 or 12.5, got "${value}"`);
    }
  };
  const windowDuration = Number(flags.windowSeconds ?? 0);
  if (flags.windowBudget !== undefined && !(Number.isInteger(windowDuration) && windowDuration > 0)) {
    throw new HandoverError("--window-budget needs --window-seconds, a positive whole number");
  }
  return {
    maxPerPayment: amount("--max-per-payment", flags.maxPerPayment),
    windowBudget: amount("--window-budget", flags.windowBudget),
    windowDuration: flags.windowBudget === undefined ? 0 : windowDuration,
  };
}

const usage = `usage: node scripts/handover-admin.ts --network <name> --new-admin <address>
  [--max-per-payment <tokens>] [--window-budget <tokens> --window-seconds <n>]
  [--keep-token-admin] [--allow-eoa] [--confirmations <n>] [--dry-run [--from <current admin>]]
env: RPC_URL, ADMIN_PRIVATE_KEY (default DEPLOYER_PRIVATE_KEY; not needed with --dry-run), DEPLOYMENTS_DIR`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      network: { type: "string" },
      "new-admin": { type: "string" },
      "max-per-payment": { type: "string" },
      "window-budget": { type: "string" },
      "window-seconds": { type: "string" },
      "keep-token-admin": { type: "boolean", default: false },
      "allow-eoa": { type: "boolean", default: false },
      confirmations: { type: "string", default: "1" },
      "dry-run": { type: "boolean", default: false },
      from: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(usage);
  if (!values.network) throw new HandoverError("--network is required");
  if (!values["new-admin"] || !isAddress(values["new-admin"]))
    throw new HandoverError("--new-admin must be an address");
  const confirmations = Number(values.confirmations);
  if (!(Number.isInteger(confirmations) && confirmations >= 1)) {
    throw new HandoverError("--confirmations must be a whole number of at least 1");
  }
  const local = values.network === LOCAL_NETWORK;
  const env = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ""));
  const rpcUrl = env.RPC_URL ?? (local ? readLocalChain()?.rpcUrl : undefined);
  if (!rpcUrl) throw new HandoverError(`RPC_URL is required for network "${values.network}"`);
  const deploymentsDir = env.DEPLOYMENTS_DIR;
  const deployment = loadDeployment(values.network, deploymentsDir);
  const options: HandoverOptions = {
    deployment,
    newAdmin: getAddress(values["new-admin"]),
    keepTokenAdmin: values["keep-token-admin"],
    allowEoa: values["allow-eoa"],
  };

  const adminKey = (env.ADMIN_PRIVATE_KEY ?? env.DEPLOYER_PRIVATE_KEY ?? (local ? anvilKeys.deployer : undefined)) as
    Hex | undefined;
  const publicClient = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const limits = await parseLimits(publicClient, deployment.token, {
    maxPerPayment: values["max-per-payment"],
    windowBudget: values["window-budget"],
    windowSeconds: values["window-seconds"],
  });
  if (limits) options.limits = limits;

  if (values["dry-run"]) {
    const from = values.from ?? deployment.admin;
    if (!isAddress(from)) throw new HandoverError("--from must be an address");
    const calls = await planHandover(publicClient, getAddress(from), options);
    // Each call is simulated from the current admin, so calldata that would revert is caught here.
    for (const call of calls) await publicClient.call({ account: getAddress(from), to: call.to, data: call.data });
    console.log(JSON.stringify({ chainId: await publicClient.getChainId(), from: getAddress(from), calls }, null, 2));
    return;
  }
  if (!adminKey)
    throw new HandoverError(`ADMIN_PRIVATE_KEY (or DEPLOYER_PRIVATE_KEY) is required for "${values.network}"`);
  const result = await executeHandover(rpcUrl, adminKey, {
    ...options,
    confirmations,
    log: (message) => console.log(`  ${message}`),
  });
  if (result.calls.length === 0) console.log(`nothing to do: ${options.newAdmin} already holds the admin role`);
  const path = writeDeployment({ ...deployment, admin: options.newAdmin }, deploymentsDir);
  console.log(`admin role handed to ${options.newAdmin}; wrote ${path}`);
}

if (import.meta.main) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    console.error(`admin handover failed: ${(error as Error).message}\n${usage}`);
    process.exit(1);
  }
}
