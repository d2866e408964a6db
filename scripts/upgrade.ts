// `npm run upgrade -- --network local --contract ReferralRewardsV2 [--call initializeV2 --args '["note"]']`
// Checks the storage layout with upgrades-core first; refuses an incompatible implementation.
import { parseArgs } from "node:util";
import type { Hex } from "viem";
import { loadDeployment, writeDeployment } from "../deployments/load.ts";
import { type ContractName, contractSources } from "./lib/artifacts.ts";
import { resolveNetworkSettings } from "./lib/network-settings.ts";
import { upgradeReferralRewards } from "./lib/upgrade.ts";

const usage =
  "usage: node scripts/upgrade.ts --network <name> --contract <ContractName> [--call <fn> --args <json array>]";
const { values } = parseArgs({
  options: {
    network: { type: "string" },
    contract: { type: "string" },
    call: { type: "string" },
    args: { type: "string", default: "[]" },
  },
});

function fail(message: string): never {
  console.error(`upgrade: ${message}\n${usage}`);
  process.exit(2);
}

if (!values.network) fail("--network is required");
if (!values.contract || !(values.contract in contractSources)) {
  fail(`--contract must be one of ${Object.keys(contractSources).join(", ")}`);
}
let args: unknown[];
try {
  args = JSON.parse(values.args ?? "[]");
  if (!Array.isArray(args)) throw new Error("not an array");
} catch {
  fail(`--args must be a JSON array, got ${values.args}`);
}

try {
  const settings = resolveNetworkSettings(values.network);
  const adminKey = (process.env.ADMIN_PRIVATE_KEY as Hex | undefined) ?? settings.deployerKey;
  const updated = await upgradeReferralRewards({
    deployment: loadDeployment(values.network),
    rpcUrl: settings.rpcUrl,
    adminKey,
    contract: values.contract as ContractName,
    ...(values.call ? { call: { functionName: values.call, args } } : {}),
  });
  writeDeployment(updated);
  const last = updated.upgrades.at(-1);
  console.log(`upgraded ${updated.proxy} to ${updated.implementation} (version ${last?.version}, tx ${last?.txHash})`);
} catch (error) {
  console.error(`upgrade failed: ${(error as Error).message}`);
  process.exit(1);
}
