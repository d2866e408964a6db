// `npm run verify-order -- <orderReference>`: what an auditor checks for one order — its
// orderRef, paidOrders and paymentOf on-chain, the ReferralPaid event with its transaction, and
// whether the ledger row agrees. Exit 0 when it does, 1 when not (see `--help`).
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
import { formatVerification } from "../server/rewards/reconcile/format.ts";
import { verifyOrder } from "../server/rewards/reconcile/verify.ts";

const USAGE = `usage: npm run verify-order -- <orderReference> [--deployment <file>] [--grace-minutes <n>] [--json]
  Prints orderRef = keccak256(orderReference), paidOrders and paymentOf (referrer, amount) read
  from the contract, the ReferralPaid event (tx, block), and whether the ledger row agrees
  (state, referrer wallet, token amount, tx hash). A reference starting with "-" goes after "--".
  --deployment <file>   the deployment to read (default deployments/<NETWORK or local>.json)
  --grace-minutes <n>   a reward minting for longer than this while paid on-chain is a mismatch (default 10)
  --json                print the verification as JSON
${environmentHelp}`;

await runCli("verify-order", USAGE, async () => {
  const { values, positionals } = parseFlags(process.argv.slice(2), commonOptions);
  if (values.help) {
    console.log(USAGE);
    return exitCodes.ok;
  }
  if (positionals.length === 0) throw new UsageError("missing the order reference to verify");
  if (positionals.length > 1) throw new UsageError(`one order reference at a time, got ${positionals.length}`);
  const orderReference = positionals[0]!;
  if (orderReference.trim() === "") throw new UsageError("the order reference is empty");
  const mintingGraceMs = graceMs(values["grace-minutes"]);
  return withCliContext(values.deployment, async (ctx) => {
    const result = await verifyOrder(
      { ...ctx, ...(mintingGraceMs === undefined ? {} : { mintingGraceMs }) },
      orderReference,
    );
    console.log(values.json ? JSON.stringify(result, null, 2) : formatVerification(result, ctx.source));
    return result.agrees ? exitCodes.ok : exitCodes.mismatch;
  });
});
