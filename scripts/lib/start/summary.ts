// What `npm start` prints once everything is up: where each part is, the contracts and roles, and
// on a local chain the test accounts to import into a wallet. Tests parse the "  label   value"
// lines, so each value is the first word after its label.
import { join, relative } from "node:path";
import { isAddressEqual } from "viem";
import { deploymentPath } from "../../../deployments/load.ts";
import { LOCAL_PAYMENT_CREDENTIALS } from "../../../server/config.ts";
import { LOCAL_CHAIN_ID } from "../clients.ts";
import { dataDir, rootDir } from "../paths.ts";
import { testAccounts } from "../test-accounts.ts";
import type { RunningSystem } from "./system.ts";

/** Whether a payment provider's webhook is live, and whether with the local test secret. */
function paymentNote(secret: string | undefined, localSecret: string): string {
  if (secret === undefined) return "   (not configured)";
  return secret === localSecret ? "   (local test secret, see README: Fiat payments)" : "";
}

/** Anvil's public accounts with their local roles; only for a local chain, where they mean something. */
export function testAccountLines(system: Pick<RunningSystem, "deployment">): string[] {
  const { deployment } = system;
  if (deployment.chainId !== LOCAL_CHAIN_ID) return [];
  const lines = [
    "Test accounts: anvil's PUBLIC development keys, for this local chain only; never send real funds to them.",
    "Import a key into your browser wallet (network: the chain RPC above, chain id 31337) to sign in as that account.",
  ];
  for (const account of testAccounts) {
    let note = account.note;
    if (account.role === "admin" && !isAddressEqual(account.address, deployment.admin)) {
      note = `not the admin of this deployment (admin is ${deployment.admin})`;
    }
    if (account.role === "operator" && !isAddressEqual(account.address, deployment.operator)) {
      note = `not the operator of this deployment (operator is ${deployment.operator})`;
    }
    lines.push(`  ${account.name.padEnd(9)} #${account.index}  ${account.address}  ${account.privateKey}  ${note}`);
  }
  return lines;
}

export function startSummary(system: RunningSystem): string {
  const { server, indexer, deployment, serverConfig, anvil } = system;
  const app = server.url;
  const database =
    server.embeddedPort === undefined
      ? "DATABASE_URL"
      : `embedded PostgreSQL 18 on 127.0.0.1:${server.embeddedPort} (data in ${join(dataDir, "postgres")})`;
  const deploymentFile = deploymentPath(system.network, system.deploymentsDir);
  const shownDeploymentFile = deploymentFile.startsWith(rootDir) ? relative(rootDir, deploymentFile) : deploymentFile;
  const publicUrl = serverConfig.publicUrl.origin;
  return [
    "",
    "Refcodes is running",
    `  app               ${app}   (store ${app}/store, dashboard ${app}/dashboard, admin ${app}/admin, verify ${app}/verify)`,
    `  server            ${app}   (API reference ${app}/api/docs, metrics ${app}/metrics, readiness ${app}/readyz)`,
    ...(publicUrl === app ? [] : [`  public URL        ${publicUrl}   (PUBLIC_URL: sign in from this origin)`]),
    `  indexer GraphQL   ${indexer.graphqlUrl}   (SQL client ${indexer.url}/sql, status ${indexer.url}/status; views schema ${serverConfig.indexerViewsSchema})`,
    `  database          ${database}   (migrations applied)`,
    `  chain RPC         ${system.rpcUrl}${anvil ? `   (ws ${anvil.wsUrl}; anvil, state in ${join(dataDir, "anvil")})` : ""}`,
    `  chain id          ${deployment.chainId}`,
    `  ReferralRewards   ${deployment.proxy}   (implementation ${deployment.implementation})`,
    `  RewardToken       ${deployment.token}   (mode ${deployment.mode})`,
    `  operator          ${deployment.operator}`,
    `  admin             ${deployment.admin}`,
    `  deployment file   ${shownDeploymentFile}`,
    `  webhooks          ${app}/api/webhooks/wayforpay${paymentNote(serverConfig.wayforpay?.secretKey, LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey)}`,
    `                    ${app}/api/webhooks/stripe${paymentNote(serverConfig.stripe?.webhookSecret, LOCAL_PAYMENT_CREDENTIALS.stripeWebhookSecret)}`,
    `  minter            ${serverConfig.minter.intervalSeconds ? `every ${serverConfig.minter.intervalSeconds} s` : "not scheduled (MINT_INTERVAL_SECONDS=0)"}; "Mint now" in /admin${serverConfig.cronSecret ? `; cron ${app}/api/cron/refcodes-mint` : ""}`,
    "",
    ...testAccountLines(system),
    "",
    `Next: open ${app} and follow the README's walkthrough, or fill it with history: npm run demo`,
    "Ctrl-C stops everything.",
  ].join("\n");
}
