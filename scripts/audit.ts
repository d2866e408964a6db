// `npm run audit`: the ledger against the chain. Every reward of the deployment's chain is
// compared with `paymentOf` on-chain, and every ReferralPaid payment with the ledger; each
// mismatch is printed and the exit code is 1 when there is any (see `--help`).
import {
  commonOptions,
  environmentHelp,
  exitCodes,
  graceMs,
  parseFlags,
  runCli,
  UsageError,
  withCliContext,
} from "../server/rewards/reconcile/cli.ts";
import { formatReport } from "../server/rewards/reconcile/format.ts";
import { reconcileLedger } from "../server/rewards/reconcile/reconcile.ts";

const USAGE = `usage: npm run audit -- [--deployment <file>] [--grace-minutes <n>] [--json]
  Compares every reward of the deployment's chain with paidOrders/paymentOf on-chain (referrer
  and amount), and every on-chain payment (ReferralPaid) with the ledger; prints each mismatch.
  --deployment <file>   the deployment to check (default deployments/<NETWORK or local>.json)
  --grace-minutes <n>   a reward minting for longer than this while paid on-chain is a mismatch,
                        before that a warning (default 10)
  --json                print the report as JSON
${environmentHelp}`;

await runCli("audit", USAGE, async () => {
  const { values, positionals } = parseFlags(process.argv.slice(2), commonOptions);
  if (values.help) {
    console.log(USAGE);
    return exitCodes.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(" ")}`);
  const mintingGraceMs = graceMs(values["grace-minutes"]);
  return withCliContext(values.deployment, async (ctx) => {
    const report = await reconcileLedger({ ...ctx, ...(mintingGraceMs === undefined ? {} : { mintingGraceMs }) });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report, ctx.source));
    return report.ok ? exitCodes.ok : exitCodes.mismatch;
  });
});
