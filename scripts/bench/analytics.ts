// The analytics funnel's latency: `funnel` over 100,000 visits, 10,000 orders and 5,000 rewards
// (plus sign-ups and the indexer's payouts), asked by an admin over HTTP, target p95 ≤ 50 ms.
//
// A fresh embedded PostgreSQL and anvil (startServerStack), the data inserted directly with
// set-based SQL (generate_series / unnest; not timed; ANALYZEd as autovacuum would) as the
// server would hold it (visit de-duplication rows for yesterday and today only), the
// indexer's `payout` view stood in by a table with its columns (one row per minted reward), the
// real server in its own process (scripts/bench/server.ts), a real SIWE sign-in as an admin
// (ADMIN_WALLETS). Then the admin's unfiltered funnel — every field of the total and of the
// busiest 50 codes and referrers (the lists' default limit; all 200 codes are aggregated), over
// the 30 seeded days — is asked `queries` times one after another (after `warmup` asks), each
// answer checked (no errors, the seeded totals).
//
// `node scripts/bench/analytics.ts` prints the figures and writes bench/results/analytics.json
// (or $BENCH_RESULTS_DIR/analytics.json); exit code 1 when the target is missed. Knobs:
// BENCH_ANALYTICS_QUERIES, BENCH_ANALYTICS_WARMUP, BENCH_ANALYTICS_LOG_LEVEL,
// BENCH_ANALYTICS_RETAIN_ALL_VISITORS=1 (keep every visit's de-duplication row; see seed),
// BENCH_ANALYTICS_LIST_LIMIT (byCode/byReferrer entries; default 50 as the API's, 500 = all).
import { once } from "node:events";
import { loadavg } from "node:os";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { signIn, TestClient } from "../../server/test/harness.ts";
import { orderRefOf } from "../lib/order-ref.ts";
import {
  type Cleanup,
  hashedReferrers,
  machine,
  percentile,
  runBench,
  startServerProcess,
  startServerStack,
  writeResults,
} from "./common.ts";

export interface BenchAnalyticsOptions {
  visits?: number;
  orders?: number;
  rewards?: number;
  /** Measured funnel requests (default 200), after `warmup` unmeasured ones (default 20). */
  queries?: number;
  warmup?: number;
  logLevel?: string;
  /** byCode and byReferrer entries asked for (default 50, the API's default; 500 lists every one). */
  listLimit?: number;
  /** Keep every visit's de-duplication row, not only yesterday's and today's (see seed). */
  retainAllVisitors?: boolean;
  /** Prints progress lines. */
  verbose?: boolean;
}

const TARGET_P95_MS = 50;
const DAYS = 30;
const REFERRERS = 100;
const CODES_PER_REFERRER = 2;
const SIGNUPS = 3_000;
const VIEWS_SCHEMA = "refcodes_indexer";

const COUNTS = `visits uniqueVisitors signups orders attributedOrders rejectedAttributions { reason count }
  rewards { state count tokenAmount amounts { currency amountMinor } } paidOnChain { count tokenAmount }`;
const FUNNEL = `query Funnel($range: DateRange!, $limit: Int!) {
  funnel(range: $range) { from to codes referrers total { ${COUNTS} }
    byCode(limit: $limit) { code active wallet referrer { id wallets } counts { ${COUNTS} } }
    byReferrer(limit: $limit) { referrer { id wallets } counts { ${COUNTS} } } } }`;

/** byCode's and byReferrer's default limit in the schema. */
const DEFAULT_LIST_LIMIT = 50;

type Query = (text: string, values?: unknown[]) => Promise<unknown>;

/**
 * Inserts the data set over the `DAYS` UTC days ending today; returns that range. Visits are
 * stored as the running server holds them: every visit in the daily buckets, the de-duplication
 * rows only for yesterday and today (server/visits/purge.ts deletes older ones every hour), unless
 * `retainAllVisitors` (a state the server never keeps: the worst case for distinct visitors).
 */
export async function seed(
  query: Query,
  sizes: { visits: number; orders: number; rewards: number },
  retainAllVisitors = false,
) {
  const today = Math.floor(Date.now() / 86_400_000);
  const day = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
  const range = { from: day(today - DAYS + 1), to: day(today) };
  const wallets = hashedReferrers("analytics", REFERRERS);
  await query(
    `with referrer as (insert into users (created_at) select timestamptz '2020-01-01' from generate_series(1, $2::int)
       returning id),
     numbered as (select id, row_number() over (order by id) - 1 as n from referrer),
     linked as (insert into wallets (address, user_id) select ($1::text[])[n + 1], id from numbered returning 1)
     insert into refcodes (code, code_key, user_id, wallet, kind, active)
     select 'BENCH' || (n * $3 + k), 'bench' || (n * $3 + k), id, ($1::text[])[n + 1], 'vanity', (n * $3 + k) % 10 <> 9
     from numbered, generate_series(0, $3::int - 1) as k`,
    [wallets, REFERRERS, CODES_PER_REFERRER],
  );
  // Codes numbered 0..C-1 for the modulo spreading below.
  const codes = `(select id, code, user_id, wallet, row_number() over (order by code) - 1 as n from refcodes)`;
  const codeCount = REFERRERS * CODES_PER_REFERRER;
  // Visit i: code i mod C, day (i div C) mod DAYS, visitor i mod 70001 (about 30 % come back, on
  // another code): no two visits share (code, day, visitor), as the beacon's de-dup rule wants.
  await query(
    `with visit as (
       select c.id as code_id, $2::date + ((i / $3) % $4)::int as day, decode(md5((i % 70001)::text), 'hex') as visitor
       from generate_series(0, $1::int - 1) as i join ${codes} c on c.n = i % $3),
     kept as (insert into refcode_visitors select * from visit where $5 or day >= $6::date returning 1)
     insert into refcode_visit_days select code_id, day, count(*) from visit group by 1, 2`,
    [sizes.visits, range.from, codeCount, DAYS, retainAllVisitors, day(today - 1)],
  );
  await query(
    `insert into users (created_at, referred_by_code_id, referred_by_user_id, signup_attribution)
     select $2::timestamptz + (i * interval '1 second' * (86400 * $4 / $1)), c.id, c.user_id, 'accepted'
     from generate_series(0, $1::int - 1) as i join ${codes} c on c.n = i % $3`,
    [SIGNUPS, range.from, codeCount, DAYS],
  );
  // Per ten orders: 7 attributed, 1 not_first_purchase, 1 other rejection (rotating), 1 without code.
  await query(
    `with buyer as (select id, row_number() over (order by id) - 1 as n from users where referred_by_code_id is not null),
     o as (select i, i % 10 as slot,
             (array['inactive_code','self_referral','wallet_overlap','unknown_code'])[1 + (i / 10) % 4] as other
           from generate_series(0, $1::int - 1) as i)
     insert into orders (order_reference, kind, source, buyer_user_id, amount_minor, currency, created_at, attribution,
       attribution_reason, referral_code, refcode_id, referrer_user_id, referrer_wallet)
     select 'bench-order-' || o.i, 'store', 'app', b.id, 1000 + o.i % 5000, 'USD',
       $2::timestamptz + (o.i * interval '1 second' * (86400 * $4 / $1)),
       case when o.slot < 7 then 'accepted' when o.slot < 9 then 'rejected' else 'none' end,
       case when o.slot = 7 then 'not_first_purchase' when o.slot = 8 then o.other end,
       case when o.slot = 9 then null when o.slot = 8 and o.other = 'unknown_code' then 'NOPE' || o.i else c.code end,
       case when o.slot < 7 then c.id end, case when o.slot < 7 then c.user_id end, case when o.slot < 7 then c.wallet end
     from o join ${codes} c on c.n = o.i % $3 join buyer b on b.n = o.i % $5`,
    [sizes.orders, range.from, codeCount, DAYS, SIGNUPS],
  );
  // Rewards for the first attributed orders; keccak256 is computed here (PostgreSQL has none).
  const references = Array.from({ length: Math.ceil((sizes.rewards * 10) / 7) + 10 }, (_, i) => i)
    .filter((i) => i % 10 < 7 && i < sizes.orders)
    .slice(0, sizes.rewards)
    .map((i) => `bench-order-${i}`);
  await query(
    `insert into rewards (order_reference, order_ref, kind, refcode_id, referral_code, referrer_user_id, referrer_wallet,
       referee_user_id, base_amount_minor, currency, commission_bps, gross_reward_minor, reward_minor, sizing,
       gross_token_amount, token_amount, token, chain_id, rail, state, created_at)
     select o.order_reference, r.ref, 'store', o.refcode_id, o.referral_code, o.referrer_user_id, o.referrer_wallet,
       o.buyer_user_id, o.amount_minor, 'USD', 1000, o.amount_minor / 10, o.amount_minor / 10, 'sized',
       1e18::numeric + r.n * 7919, 1e18::numeric + r.n * 7919, '0x0000000000000000000000000000000000000001', 31337, 'fiat',
       (array['minted','minted','minted','approved','approved','pending_approval','rejected','failed'])[1 + r.n % 8],
       o.created_at + interval '1 hour'
     from unnest($1::text[], $2::text[]) with ordinality as r(reference, ref, n)
     join orders o on o.order_reference = r.reference`,
    [references, references.map(orderRefOf)],
  );
  await query(`create schema ${VIEWS_SCHEMA}`);
  await query(
    `create table ${VIEWS_SCHEMA}.payout (order_ref text primary key, referrer text not null, amount numeric(78,0) not null,
       tx_hash text not null, block_number numeric(78,0) not null, log_index integer not null,
       timestamp numeric(78,0) not null, batch boolean not null)`,
  );
  await query(
    `insert into ${VIEWS_SCHEMA}.payout
     select lower(order_ref), lower(referrer_wallet), token_amount, '0x' || md5(order_ref) || md5(order_reference),
       1000 + row_number() over (order by created_at), 0, extract(epoch from created_at)::int8 + 600, true
     from rewards where state = 'minted'`,
  );
  await query("analyze");
  return range;
}

/** Runs the benchmark on a fresh stack, cleaned up by `cleanup`. */
async function measure(cleanup: Cleanup, options: BenchAnalyticsOptions) {
  const sizes = {
    visits: options.visits ?? 100_000,
    orders: options.orders ?? 10_000,
    rewards: options.rewards ?? 5_000,
  };
  const say = (line: string) => options.verbose && console.log(line);
  const stack = await startServerStack(cleanup, "analytics");
  say(`seeding ${sizes.visits} visits, ${sizes.orders} orders, ${sizes.rewards} rewards`);
  const range = await seed(
    (text, values) => stack.database.pool.query(text, values),
    sizes,
    options.retainAllVisitors ?? false,
  );

  const admin = privateKeyToAccount(generatePrivateKey());
  const server = await startServerProcess({
    ...process.env,
    DATABASE_URL: stack.postgres.url,
    RPC_URL: stack.anvil.rpcUrl,
    HOST: "127.0.0.1",
    PORT: "0",
    PUBLIC_URL: "http://localhost:5173", // the harness's SIWE domain
    LOG_LEVEL: options.logLevel ?? "warn",
    ADMIN_WALLETS: admin.address,
    INDEXER_VIEWS_SCHEMA: VIEWS_SCHEMA,
    MINT_INTERVAL_SECONDS: "0",
    REWARD_SWEEP_INTERVAL_SECONDS: "0",
    BENCH_DEPLOYMENT_DIR: stack.deploymentDir,
  });
  cleanup.defer(async () => {
    server.child.kill("SIGTERM");
    if (server.child.exitCode === null) await once(server.child, "exit");
  });
  const client = new TestClient(server.url);
  await signIn(client, admin);

  const ask = async () => {
    const limit = options.listLimit ?? DEFAULT_LIST_LIMIT;
    const response = await client.post("/graphql", { query: FUNNEL, variables: { range, limit } });
    const total = response.body?.data?.funnel?.total;
    if (response.status !== 200 || response.body.errors || total?.orders === undefined) {
      throw new Error(`funnel failed: ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`);
    }
    return total as { visits: number; orders: number; rewards: { count: number }[]; paidOnChain: { count: number } };
  };
  const total = await ask();
  const rewardCount = total.rewards.reduce((sum, state) => sum + state.count, 0);
  if (total.visits !== sizes.visits || rewardCount !== sizes.rewards || !(total.paidOnChain.count > 0)) {
    throw new Error(`the funnel does not count the seeded data: ${JSON.stringify(total).slice(0, 500)}`);
  }
  for (let i = 0; i < (options.warmup ?? 20); i++) await ask();
  const latencies: number[] = [];
  for (let i = 0; i < (options.queries ?? 200); i++) {
    const started = performance.now();
    await ask();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Number(ms.toFixed(2));
  return {
    p95_ms: round(percentile(latencies, 0.95)),
    p50_ms: round(percentile(latencies, 0.5)),
    queries: latencies.length,
    max_ms: round(latencies.at(-1)!),
    data: {
      ...sizes,
      signups: SIGNUPS,
      codes: REFERRERS * CODES_PER_REFERRER,
      days: DAYS,
      orders_with_code: total.orders,
      visitor_rows_retained: options.retainAllVisitors ? "all" : "yesterday and today",
      listed: {
        codes: Math.min(options.listLimit ?? DEFAULT_LIST_LIMIT, REFERRERS * CODES_PER_REFERRER),
        referrers: Math.min(options.listLimit ?? DEFAULT_LIST_LIMIT, REFERRERS),
      },
    },
  };
}

/** The funnel's latency over HTTP: p95 and p50 in milliseconds over `queries` requests. */
export async function benchAnalytics(
  options: BenchAnalyticsOptions = {},
): Promise<{ p95_ms: number; p50_ms: number; queries: number }> {
  const steps: (() => unknown)[] = [];
  try {
    const { p95_ms, p50_ms, queries } = await measure({ defer: (step) => void steps.unshift(step) }, options);
    return { p95_ms, p50_ms, queries };
  } finally {
    for (const step of steps) await Promise.resolve(step()).catch((error) => console.error(error));
  }
}

if (import.meta.main) {
  await runBench(async (cleanup) => {
    const env = process.env;
    const result = await measure(cleanup, {
      queries: Number(env.BENCH_ANALYTICS_QUERIES ?? 200),
      warmup: Number(env.BENCH_ANALYTICS_WARMUP ?? 20),
      logLevel: env.BENCH_ANALYTICS_LOG_LEVEL ?? "warn",
      retainAllVisitors: env.BENCH_ANALYTICS_RETAIN_ALL_VISITORS === "1",
      ...(env.BENCH_ANALYTICS_LIST_LIMIT ? { listLimit: Number(env.BENCH_ANALYTICS_LIST_LIMIT) } : {}),
      verbose: true,
    });
    const met = result.p95_ms <= TARGET_P95_MS;
    const { codes, listed } = result.data;
    const asked = `admin, ${codes} codes, top ${listed.codes} codes and ${listed.referrers} referrers listed, ${DAYS} days`;
    console.log(
      `funnel (${asked}): p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms, max ${result.max_ms} ms ` +
        `over ${result.queries} requests; target p95 <= ${TARGET_P95_MS} ms ${met ? "met" : "MISSED"}`,
    );
    writeResults("analytics.json", {
      ...result,
      target_p95_ms: TARGET_P95_MS,
      met,
      machine: { ...machine(), load_average_1m: Number(loadavg()[0]!.toFixed(2)) },
    });
    if (!met) process.exitCode = 1;
  });
}
