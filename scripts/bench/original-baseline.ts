// The `sequential100` baseline: the platform module's design (contracts/mocks/baseline), behind an
// ERC1967 proxy, minting through a standard OpenZeppelin minter-role token.
import { type Abi, type Address, encodeFunctionData, type Hex } from "viem";
import { readArtifact } from "../lib/artifacts.ts";
import type { Clients } from "../lib/clients.ts";
import { confirm, deployArtifact, MINTER_ROLE } from "../lib/deploy.ts";

/** Deploys the original design in MINT mode; returns the proxy to call `payReferral` on. */
export async function deployOriginalBaseline(
  deployer: Clients,
  operator: Address,
): Promise<{ address: Address; abi: Abi }> {
  const tokenAbi = readArtifact("PlainMintableToken").abi;
  const originalAbi = readArtifact("OriginalReferralRewards").abi;
  const token = (await deployArtifact(deployer, "PlainMintableToken", [deployer.account.address])).address;
  const implementation = (await deployArtifact(deployer, "OriginalReferralRewards")).address;
  const init: Hex = encodeFunctionData({
    abi: originalAbi,
    functionName: "initialize",
    args: [deployer.account.address, operator, token, 0],
  });
  const proxy = (await deployArtifact(deployer, "ERC1967Proxy", [implementation, init])).address;
  const args = [MINTER_ROLE, proxy];
  await confirm(
    deployer,
    await deployer.walletClient.writeContract({ address: token, abi: tokenAbi, functionName: "grantRole", args }),
    "grantRole",
  );
  return { address: proxy, abi: originalAbi };
}
