// Drill: PostgreSQL restarted under load. Buyers order and payments arrive while the minter runs;
// when a batch is in flight, the database is stopped (fast shutdown: every connection cut), kept
// down for a few seconds and started again on the same port. The servers' pools reconnect, the
// providers' deliveries are retried, the minter settles what it left in `minting`.
import { it } from "node:test";
import { pass } from "./checks.ts";
import { drillWorld, runDrill, sleep } from "./drill.ts";
import { createLoad } from "./load.ts";
import { midBatch, steadyLoad } from "./outage.ts";

const DOWN_MS = 4_000;
const world = drillWorld();

it("Postgres restarted mid-load", { timeout: 180_000 }, async () => {
  const w = world.get();
  await runDrill("Postgres restarted mid-load", w, async () => {
    const server = await w.replica("server", { MINT_BATCH_SIZE: "2" });
    await server.start();
    const load = createLoad(w.record, () => server.url);
    await load.setUp();
    const loadStarted = performance.now();
    const traffic = steadyLoad(load);
    const moment = await midBatch(w);
    const downFor = await w.record.outage("postgres", async () => {
      const started = performance.now();
      await w.postgres.stop();
      await sleep(DOWN_MS);
      await w.postgres.start();
      return performance.now() - started;
    });
    pass(`PostgreSQL stopped (${moment}) and started again after ${(downFor / 1000).toFixed(1)} s`);
    await sleep(2_000); // and the load goes on a while after it
    const orders = await traffic.stop();
    const indexerAlive = w.indexer.process.exitCode === null && w.indexer.process.signalCode === null;
    if (!indexerAlive) {
      await w.restartIndexer();
      pass("the indexer exited when its database went away and was restarted (as its supervisor would)");
    } else pass("the indexer rode out the restart");
    pass(
      `the load went on through it: ${orders} orders paid in all (${Math.round((performance.now() - loadStarted) / 1000)} s)`,
    );
    return orders;
  });
});
