// Drill: the minter's process SIGKILLed at random moments of its runs, 20 times. An API replica
// (no minter) takes the load; the minter replica is started, asked to mint through the cron
// route, killed a random number of milliseconds later (seeded), and started again for the next
// run. After the last kill it runs to the end: every reward is paid exactly once. No kill is
// recorded as an outage: the API replica must not answer 5xx because the minter died.
import { it } from "node:test";
import pg from "pg";
import { pass } from "./checks.ts";
import { drillSeed, drillWorld, runDrill, seededRandom, sleep } from "./drill.ts";
import { createLoad } from "./load.ts";

const RUNS = 20;
const ORDERS_PER_RUN = 3;
/** A cron run over a few 2-reward batches lasts about this long on anvil: kills land all over it. */
const MAX_KILL_DELAY_MS = 500;
const world = drillWorld();

it("minter SIGKILLed at random points in 20 runs", { timeout: 240_000 }, async () => {
  const w = world.get();
  await runDrill("minter process SIGKILLed at random points in 20 runs", w, async () => {
    const random = seededRandom(drillSeed());
    const api = await w.replica("api", { MINT_INTERVAL_SECONDS: "0" });
    const minter = await w.replica("minter", { MINT_BATCH_SIZE: "2" });
    await api.start();
    const load = createLoad(w.record, () => api.url);
    await load.setUp();
    const ledger = new pg.Client({ connectionString: w.postgres.url });
    await ledger.connect();
    const states = async () => {
      const { rows } = await ledger.query<{ state: string; n: number }>(
        "select state, count(*)::int as n from rewards group by state order by state",
      );
      return rows.map((row) => `${row.state} ${row.n}`).join(", ");
    };
    try {
      for (let run = 1; run <= RUNS; run++) {
        await Promise.all([load.paidOrders(ORDERS_PER_RUN), minter.start()]);
        const delay = Math.floor(random() * MAX_KILL_DELAY_MS);
        // The answer never comes when the kill lands first; that is the point.
        const asked = load.cronMint(minter.url).catch(() => undefined);
        await sleep(delay);
        await minter.kill();
        const answered = await asked;
        const when = answered ? `after its run (answered ${answered.status})` : "during its run";
        console.log(
          `  run ${String(run).padStart(2)}: SIGKILL ${delay} ms after the cron call, ${when}; ${await states()}`,
        );
      }
      await minter.start();
      pass(`${RUNS} SIGKILLs survived; the minter restarted for the last time`);
    } finally {
      await ledger.end();
    }
    return RUNS * ORDERS_PER_RUN;
  });
});
