// `npm run audit`: the ledger against the chain, and the indexer against both. Every reward of
// the deployment's chain is compared with `paymentOf` on-chain, every ReferralPaid payment with
// the ledger, and the indexer's rows with the events and the ledger; each mismatch is printed and
// the exit code is 1 when there is any (see `--help`).
import { z } from "zod";
import { DEFAULT_INDEXER_VIEWS_SCHEMA } from "../server/config.ts";
import { sqlIdentifier } from "../server/db/sql-identifier.ts";
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
import { formatIndexerReport, formatReport } from "../server/rewards/reconcile/format.ts";
import { compareIndexer } from "../server/rewards/reconcile/indexer.ts";
import { assertSameChain, paidEventReader, reconcileLedger } from "../server/rewards/reconcile/reconcile.ts";

const USAGE = `usage: npm run audit -- [--deployment <file>] [--grace-minutes <n>] [--indexer auto|required|off]
                      [--indexer-wait <seconds>] [--json]
  Compares every reward of the deployment's chain with paidOrders/paymentOf on-chain (referrer
  and amount), and every on-chain payment (ReferralPaid) with the ledger; then the indexer's
  payouts, referrer and daily totals and contract state with the chain, and its payouts with the
  ledger. Prints each mismatch.
  --deployment <file>     the deployment to check (default deployments/<NETWORK or local>.json)
  --grace-minutes <n>     a reward minting for longer than this while paid on-chain is a mismatch,
                          before that a warning (default 10)
  --indexer <when>        auto: compare the indexer when its views exist, else a warning (default);
                          required: missing views end the audit with exit code 3; off: skip it
  --indexer-wait <s>      wait this long for the indexer to reach the chain's head (default 15)
  --json                  print the report as JSON
The indexer's views are read in INDEXER_VIEWS_SCHEMA (default ${DEFAULT_INDEXER_VIEWS_SCHEMA}) of the same database.
${environmentHelp}`;

const auditOptions = {
  ...commonOptions,
  indexer: { type: "string", default: "auto" },
  "indexer-wait": { type: "string", default: "15" },
} as const;

function indexerFlags(values: { indexer: string; "indexer-wait": string }) {
  if (!["auto", "required", "off"].includes(values.indexer)) {
    throw new UsageError(`--indexer must be auto, required or off, got "${values.indexer}"`);
  }
  const wait = values["indexer-wait"];
  if (!/^\d+$/.test(wait) || Number(wait) > 3_600) {
    throw new UsageError(`--indexer-wait must be a whole number of seconds (0 to 3600), got "${wait}"`);
  }
  const schema = sqlIdentifier
    .default(DEFAULT_INDEXER_VIEWS_SCHEMA)
    .safeParse(process.env.INDEXER_VIEWS_SCHEMA || undefined);
  if (!schema.success) throw new UsageError(`INDEXER_VIEWS_SCHEMA: ${z.prettifyError(schema.error)}`);
  return { mode: values.indexer, waitMs: Number(wait) * 1_000, viewsSchema: schema.data };
}

await runCli("audit", USAGE, async () => {
  const { values, positionals } = parseFlags(process.argv.slice(2), auditOptions);
  if (values.help) {
    console.log(USAGE);
    return exitCodes.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(" ")}`);
  const mintingGraceMs = graceMs(values["grace-minutes"]);
  const indexer = indexerFlags(values);
  return withCliContext(values.deployment, async (ctx) => {
    const grace = mintingGraceMs === undefined ? {} : { mintingGraceMs };
    // The events are read once, for the ledger check and the indexer check alike.
    await assertSameChain(ctx.client, ctx.deployment.chainId);
    const toBlock = await ctx.client.getBlockNumber({ cacheTime: 0 });
    const readEvents = paidEventReader(ctx);
    const events = await readEvents(BigInt(ctx.deployment.startBlock), toBlock);
    const ledger = await reconcileLedger({ ...ctx, ...grace, chainEvents: { events, toBlock } });
    const indexerReport =
      indexer.mode === "off"
        ? null
        : await compareIndexer({
            ...ctx,
            ...grace,
            viewsSchema: indexer.viewsSchema,
            events,
            toBlock,
            readEvents,
            waitMs: indexer.waitMs,
            required: indexer.mode === "required",
          });
    const ok = ledger.ok && (indexerReport?.ok ?? true);
    if (values.json) console.log(JSON.stringify({ ...ledger, ok, indexer: indexerReport }, null, 2));
    else {
      console.log(formatReport(ledger, ctx.source));
      if (indexerReport) console.log(`\n${formatIndexerReport(indexerReport)}`);
    }
    return ok ? exitCodes.ok : exitCodes.mismatch;
  });
});
