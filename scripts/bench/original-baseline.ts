// The `sequential100` baseline: the platform module's design (contracts/mocks/baseline), behind an
// ERC1967 proxy, minting through a standard OpenZeppelin minter-role token.
import { type Abi, type Address, encodeFunctionData, getAddress, type Hex } from "viem";
import { readArtifact } from "../lib/artifacts.ts";
import type { Clients } from "../lib/clients.ts";
import { MINTER_ROLE } from "../lib/deploy.ts";

async function deploy(
  clients: Clients,
  name: "PlainMintableToken" | "OriginalReferralRewards" | "ERC1967Proxy",
  args: unknown[],
) {
  const artifact = readArtifact(name);
  const hash = await clients.walletClient.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error(`deploying ${name} failed (tx ${hash})`);
  return getAddress(receipt.contractAddress);
}

/** Deploys the original design in MINT mode; returns the proxy to call `payReferral` on. */
export async function deployOriginalBaseline(
  deployer: Clients,
  operator: Address,
): Promise<{ address: Address; abi: Abi }> {
  const tokenArtifact = readArtifact("PlainMintableToken");
  const originalAbi = readArtifact("OriginalReferralRewards").abi;
  const token = await deploy(deployer, "PlainMintableToken", [deployer.account.address]);
  const implementation = await deploy(deployer, "OriginalReferralRewards", []);
  const init: Hex = encodeFunctionData({
    abi: originalAbi,
    functionName: "initialize",
    args: [deployer.account.address, operator, token, 0],
  });
  const proxy = await deploy(deployer, "ERC1967Proxy", [implementation, init]);
  const hash = await deployer.walletClient.writeContract({
    address: token,
    abi: tokenArtifact.abi,
    functionName: "grantRole",
    args: [MINTER_ROLE, proxy],
  });
  await deployer.publicClient.waitForTransactionReceipt({ hash });
  return { address: proxy, abi: originalAbi };
}
