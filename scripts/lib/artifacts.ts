import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi, Hex } from "viem";
import { artifactsDir } from "./paths.ts";

/** Source file of every contract the scripts deploy or export, relative to `artifacts/`. */
export const contractSources = {
  ReferralRewards: "contracts/ReferralRewards.sol",
  RewardToken: "contracts/RewardToken.sol",
  MockAggregatorV3: "contracts/mocks/MockAggregatorV3.sol",
  ReferralRewardsV2: "contracts/mocks/ReferralRewardsV2.sol",
  ReferralRewardsBadLayout: "contracts/mocks/ReferralRewardsBadLayout.sol",
  PlainMintableToken: "contracts/mocks/PlainMintableToken.sol",
  MockERC1271Wallet: "contracts/mocks/MockERC1271Wallet.sol",
  MockERC1271WalletFactory: "contracts/mocks/MockERC1271Wallet.sol",
  OriginalReferralRewards: "contracts/mocks/baseline/OriginalReferralRewards.sol",
  ERC1967Proxy: "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol",
} as const;

export type ContractName = keyof typeof contractSources;

export interface Artifact {
  contractName: string;
  sourceName: string;
  abi: Abi;
  bytecode: Hex;
  /** The build-info file (under artifacts/build-info) this artifact was compiled in. */
  buildInfoId: string;
}

export class ArtifactNotFoundError extends Error {
  override name = "ArtifactNotFoundError";
}

/** Reads a Hardhat artifact; run `npm run build` first. */
export function readArtifact(name: ContractName): Artifact {
  const path = join(artifactsDir, contractSources[name], `${name}.json`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Artifact;
  } catch (error) {
    throw new ArtifactNotFoundError(`No artifact for ${name} at ${path} (run \`npm run build\`): ${String(error)}`);
  }
}
