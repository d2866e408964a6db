import {
  type Abi,
  type Address,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hash,
  type Hex,
  keccak256,
  stringToBytes,
} from "viem";
import { referralRewardsAbi, rewardTokenAbi } from "../../deployments/abi.ts";
import { type Deployment, type RewardModeName, rewardModes } from "../../deployments/schema.ts";
import { type ContractName, readArtifact } from "./artifacts.ts";
import { type Clients, connect } from "./clients.ts";
import { upgradeSafeLayout } from "./storage-layout.ts";

export const MINTER_ROLE = keccak256(stringToBytes("MINTER_ROLE"));
export const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as Hex;

export interface Limits {
  maxPerPayment: bigint;
  windowBudget: bigint;
  windowDuration: number;
}

export interface DeployParams {
  network: string;
  rpcUrl: string;
  deployerKey: Hex;
  operator: Address;
  mode: RewardModeName;
  /** Final holder of DEFAULT_ADMIN_ROLE; the deployer when omitted. */
  admin?: Address;
  /** An existing reward token; a RewardToken is deployed when omitted. */
  token?: Address;
  tokenName?: string;
  tokenSymbol?: string;
  /** TRANSFER mode: tokens put into the contract's treasury. */
  treasuryFunding?: bigint;
  limits?: Limits;
  log?: (message: string) => void;
}

export class DeployError extends Error {
  override name = "DeployError";
}

/** Waits for `hash` and throws DeployError unless it succeeded. */
export async function confirm(clients: Clients, hash: Hash, what: string) {
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new DeployError(`${what} reverted (tx ${hash})`);
  return receipt;
}

/** Deploys a compiled contract (from `artifacts/`) and waits for its address. */
export async function deployArtifact(clients: Clients, name: ContractName, args: readonly unknown[] = []) {
  const { abi, bytecode } = readArtifact(name);
  const hash = await clients.walletClient.deployContract({ abi, bytecode, args });
  const receipt = await confirm(clients, hash, `deploying ${name}`);
  if (!receipt.contractAddress) throw new DeployError(`deploying ${name} returned no address (tx ${hash})`);
  return { address: getAddress(receipt.contractAddress), receipt };
}

/** Deploys the reward token (unless given), the implementation and the ERC1967 proxy. */
export async function deployReferralRewards(params: DeployParams): Promise<Deployment> {
  const log = params.log ?? (() => {});
  const clients = await connect(params.rpcUrl, params.deployerKey);
  const deployer = clients.account.address;
  const admin = params.admin ? getAddress(params.admin) : deployer;
  const write = async (address: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
    confirm(
      clients,
      await clients.walletClient.writeContract({ address, abi, functionName, args }),
      `${functionName}(${args.join(", ")})`,
    );

  // Refuse an implementation upgrades-core considers unsafe, and keep its layout for upgrades.
  const storageLayout = await upgradeSafeLayout("ReferralRewards");
  const implementation = (await deployArtifact(clients, "ReferralRewards")).address;
  log(`ReferralRewards implementation ${implementation}`);

  // Our own token names the proxy as its primary minter, so the proxy's address is computed
  // before it exists: the token takes the deployer's next nonce, the proxy the one after.
  let token = params.token ? getAddress(params.token) : undefined;
  const ownToken = token === undefined;
  let predictedProxy: Address | undefined;
  if (token === undefined) {
    const nonce = await clients.publicClient.getTransactionCount({ address: deployer, blockTag: "pending" });
    predictedProxy = getContractAddress({ from: deployer, nonce: BigInt(nonce + 1) });
    const args = [params.tokenName ?? "Refcodes Reward", params.tokenSymbol ?? "RCR", deployer, predictedProxy];
    token = (await deployArtifact(clients, "RewardToken", args)).address;
    log(`RewardToken ${token}`);
  }

  const initData = encodeFunctionData({
    abi: referralRewardsAbi,
    functionName: "initialize",
    args: [deployer, getAddress(params.operator), token, rewardModes.indexOf(params.mode)],
  });
  const proxyDeployment = await deployArtifact(clients, "ERC1967Proxy", [implementation, initData]);
  const proxy = proxyDeployment.address;
  log(`ReferralRewards proxy ${proxy} (${params.mode})`);
  if (predictedProxy && predictedProxy !== proxy) {
    throw new DeployError(
      `the proxy landed at ${proxy}, not at ${predictedProxy} where the token expects its minter: another ` +
        "transaction from the deployer interleaved; deploy again",
    );
  }

  if (params.mode === "MINT") {
    if (!ownToken) log(`NOTE: grant the token's minter role to ${proxy} before paying rewards`);
  } else if (params.treasuryFunding && params.treasuryFunding > 0n) {
    if (ownToken) {
      await write(token, rewardTokenAbi, "grantRole", [MINTER_ROLE, deployer]);
      await write(token, rewardTokenAbi, "mint", [proxy, params.treasuryFunding]);
      await write(token, rewardTokenAbi, "renounceRole", [MINTER_ROLE, deployer]);
    } else {
      await write(token, rewardTokenAbi, "transfer", [proxy, params.treasuryFunding]);
    }
    log(`treasury funded with ${params.treasuryFunding}`);
  }

  if (params.limits) {
    const { maxPerPayment, windowBudget, windowDuration } = params.limits;
    await write(proxy, referralRewardsAbi, "setLimits", [maxPerPayment, windowBudget, windowDuration]);
    log(`limits: max ${maxPerPayment} per payment, ${windowBudget} per ${windowDuration}s`);
  }

  if (admin !== deployer) {
    await write(proxy, referralRewardsAbi, "grantRole", [DEFAULT_ADMIN_ROLE, admin]);
    await write(proxy, referralRewardsAbi, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer]);
    if (ownToken) {
      await write(token, rewardTokenAbi, "grantRole", [DEFAULT_ADMIN_ROLE, admin]);
      await write(token, rewardTokenAbi, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer]);
    }
    log(`admin role handed to ${admin}`);
  }

  return {
    network: params.network,
    chainId: clients.chain.id,
    proxy,
    implementation,
    token,
    mode: params.mode,
    startBlock: Number(proxyDeployment.receipt.blockNumber),
    deployer,
    admin,
    operator: getAddress(params.operator),
    deployedAt: new Date().toISOString(),
    upgrades: [],
    storageLayout,
    abis: { ReferralRewards: [...referralRewardsAbi], RewardToken: [...rewardTokenAbi] },
  };
}
