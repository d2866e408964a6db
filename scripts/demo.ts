// `npm run demo [-- URL]`: fills a running `npm start` with a believable history through its real
// APIs (see lib/demo/story.ts), so the dashboards have something to show. URL: the first argument,
// else REFCODES_URL, else http://127.0.0.1:8787. The contract comes from deployments/<NETWORK>.json
// (NETWORK default local, DEPLOYMENTS_DIR); with CRON_SECRET set it mints through the cron route.
// Running it again adds more history.
import { connectDemo, DemoSetupError } from "./lib/demo/connect.ts";
import { type DemoResult, runDemo } from "./lib/demo/story.ts";
import { testAccount } from "./lib/test-accounts.ts";

const baseUrl = (process.argv[2] ?? process.env.REFCODES_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");

function summary(result: DemoResult, publicUrl: string, indexerUrl: string | undefined): string {
  const verifyOrder = result.minted[0];
  const tokens = Number(result.mintedTokens / 10n ** 14n) / 10_000; // 18 decimals, 4 shown
  return [
    "",
    "Demo history added",
    `  referrers         ${result.codes.map(({ referrer, code }) => `${referrer} (${code})`).join(", ")}`,
    `  visits            ${result.codes.reduce((sum, { visitors }) => sum + visitors, 0)} new visitors today`,
    `  buyers            ${result.buyers} signed up (${result.buyers - result.unattributed} through a referral link)`,
    `  orders            ${result.paidByCredit} paid with credit, ${result.paidByWayForPay} through WayForPay webhooks (${result.declined} declined first)`,
    `  refunds           ${result.refunds.full} in full, ${result.refunds.partial} in part, ${result.refunds.afterMint} after payout (a clawback)`,
    `  review            ${result.approved} approved, ${result.rejected} rejected with a reason, ${result.cancelled} cancelled by refunds`,
    `  minted            ${result.minted.length} rewards, ${tokens} tokens; ${result.paidOnChain} paid on-chain, ${result.indexed} in the indexer`,
    "",
    "Open",
    `  dashboard         ${publicUrl}/dashboard   (sign in as alice: ${testAccount("alice").privateKey})`,
    `  admin             ${publicUrl}/admin   (sign in as admin: ${testAccount("admin").privateKey})`,
    ...(verifyOrder ? [`  verify            ${publicUrl}/verify?order=${encodeURIComponent(verifyOrder)}`] : []),
    ...(indexerUrl ? [`  indexer GraphQL   ${indexerUrl}`] : []),
    "(anvil's public test keys: local only)",
  ].join("\n");
}

try {
  const started = performance.now();
  const target = await connectDemo({ baseUrl });
  console.log(`demo: filling ${baseUrl} (chain ${target.chainId}, ReferralRewards ${target.deployment.proxy})`);
  const result = await runDemo(target, (line) => console.log(`  ${line}`));
  console.log(summary(result, target.publicUrl, target.indexerUrl));
  console.log(`done in ${Math.round((performance.now() - started) / 100) / 10} s`);
} catch (error) {
  console.error(`npm run demo failed: ${error instanceof DemoSetupError ? error.message : (error as Error).stack}`);
  process.exitCode = 1;
}
