import { encodeFunctionData, getAddress, type Hex, hexToBigInt, numberToHex } from "viem";
import { referralRewardsAbi } from "../../deployments/abi.ts";
import type { Deployment } from "../../deployments/schema.ts";
import { type ContractName, readArtifact } from "./artifacts.ts";
import { connect } from "./clients.ts";
import { confirm, deployArtifact } from "./deploy.ts";
import { assertUpgradeCompatible } from "./storage-layout.ts";

// ERC-1967: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
export const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

export interface UpgradeParams {
  deployment: Deployment;
  rpcUrl: string;
  adminKey: Hex;
  contract: ContractName;
  /** A function of the new implementation to run in the upgrade transaction (e.g. a reinitializer). */
  call?: { functionName: string; args: readonly unknown[] };
}

export class UpgradeError extends Error {
  override name = "UpgradeError";
}

/**
 * Validates the new implementation's storage layout against the live one (kept in the
 * deployment file), deploys it and points the proxy at it. Returns the updated deployment.
 */
export async function upgradeReferralRewards(params: UpgradeParams): Promise<Deployment> {
  const { deployment } = params;
  // Throws StorageLayoutError before anything is sent.
  const storageLayout = await assertUpgradeCompatible(deployment.storageLayout, params.contract);

  const clients = await connect(params.rpcUrl, params.adminKey);
  if (clients.chain.id !== deployment.chainId) {
    throw new UpgradeError(
      `RPC is chain ${clients.chain.id}, but ${deployment.network} is chain ${deployment.chainId}`,
    );
  }
  const implementation = (await deployArtifact(clients, params.contract)).address;

  const data = params.call
    ? encodeFunctionData({
        abi: readArtifact(params.contract).abi,
        functionName: params.call.functionName,
        args: params.call.args,
      })
    : "0x";
  const { request } = await clients.publicClient.simulateContract({
    account: clients.account,
    address: deployment.proxy,
    abi: referralRewardsAbi,
    functionName: "upgradeToAndCall",
    args: [implementation, data],
  });
  const hash = await clients.walletClient.writeContract(request);
  const receipt = await confirm(clients, hash, "upgradeToAndCall");

  const slot = await clients.publicClient.getStorageAt({ address: deployment.proxy, slot: IMPLEMENTATION_SLOT });
  const live = getAddress(numberToHex(hexToBigInt(slot ?? "0x0"), { size: 20 }));
  if (live !== implementation) throw new UpgradeError(`proxy points at ${live}, expected ${implementation}`);
  const version = await clients.publicClient.readContract({
    address: deployment.proxy,
    abi: referralRewardsAbi,
    functionName: "version",
  });

  return {
    ...deployment,
    implementation,
    storageLayout,
    upgrades: [
      ...deployment.upgrades,
      {
        implementation,
        version,
        txHash: hash,
        blockNumber: Number(receipt.blockNumber),
        at: new Date().toISOString(),
      },
    ],
  };
}
