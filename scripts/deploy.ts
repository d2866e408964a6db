// `npm run deploy:local` / `npm run deploy -- --network <name>`: token (unless --token), the
// ReferralRewards implementation and its ERC1967 proxy; writes deployments/<network>.json.
import { parseArgs } from "node:util";
import { parseUnits } from "viem";
import { writeDeployment } from "../deployments/load.ts";
import { rewardModes, type RewardModeName } from "../deployments/schema.ts";
import { deployReferralRewards, type Limits } from "./lib/deploy.ts";
import { resolveNetworkSettings } from "./lib/network-settings.ts";

const usage = `usage: node scripts/deploy.ts --network <name> [--mode MINT|TRANSFER] [--token <address>]
  [--fund <tokens>] [--max-per-payment <tokens>] [--window-budget <tokens> --window-seconds <n>]`;

const { values } = parseArgs({
  options: {
    network: { type: "string" },
    mode: { type: "string", default: "MINT" },
    token: { type: "string" },
    fund: { type: "string" },
    "max-per-payment": { type: "string" },
    "window-budget": { type: "string" },
    "window-seconds": { type: "string" },
    help: { type: "boolean" },
  },
});

function fail(message: string): never {
  console.error(`deploy: ${message}\n${usage}`);
  process.exit(2);
}

if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.network) fail("--network is required");
const mode = values.mode?.toUpperCase() as RewardModeName;
if (!rewardModes.includes(mode)) fail(`--mode must be MINT or TRANSFER, got "${values.mode}"`);

const tokens = (flag: string, value: string | undefined) => {
  if (value === undefined) return 0n;
  try {
    return parseUnits(value, 18);
  } catch {
    fail(`${flag} must be a token amount such as 1000 or 12.5, got "${value}"`);
  }
};
let limits: Limits | undefined;
if (values["max-per-payment"] || values["window-budget"]) {
  const windowDuration = Number(values["window-seconds"] ?? 0);
  if (values["window-budget"] && !(Number.isInteger(windowDuration) && windowDuration > 0)) {
    fail("--window-budget needs --window-seconds, a positive whole number");
  }
  limits = {
    maxPerPayment: tokens("--max-per-payment", values["max-per-payment"]),
    windowBudget: tokens("--window-budget", values["window-budget"]),
    windowDuration: values["window-budget"] ? windowDuration : 0,
  };
}

try {
  const settings = resolveNetworkSettings(values.network);
  const deployment = await deployReferralRewards({
    ...settings,
    mode,
    ...(values.token ? { token: values.token as `0x${string}` } : {}),
    ...(values.fund ? { treasuryFunding: tokens("--fund", values.fund) } : {}),
    ...(limits ? { limits } : {}),
    log: (message) => console.log(`  ${message}`),
  });
  console.log(`wrote ${writeDeployment(deployment)}`);
} catch (error) {
  console.error(`deploy failed: ${(error as Error).message}`);
  process.exit(1);
}
