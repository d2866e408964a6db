// Drill: two server replicas on one database, both running the minter on its schedule and both
// asked by the cron route at the same moments, while the load is spread over them. The advisory
// lock lets one run at a time; whichever runs, every reward is paid once.
import assert from "node:assert/strict";
import { it } from "node:test";
import { pass } from "./checks.ts";
import { drillWorld, runDrill, sleep } from "./drill.ts";
import { createLoad } from "./load.ts";

const WAVES = 4;
const ORDERS_PER_WAVE = 8;
const world = drillWorld();

it("two replicas running the minter at once", { timeout: 180_000 }, async () => {
  const w = world.get();
  await runDrill("two server replicas running the minter at once", w, async () => {
    const replicas = [await w.replica("replica-a"), await w.replica("replica-b")];
    await Promise.all(replicas.map((replica) => replica.start()));
    let turn = 0;
    const load = createLoad(w.record, () => replicas[turn++ % replicas.length]!.url);
    await load.setUp();

    const runs = { ran: 0, refused: 0, transactions: new Set<string>() };
    const cronBoth = async () => {
      const answers = await Promise.all(replicas.map((replica) => load.cronMint(replica.url)));
      for (const { status, body } of answers) {
        assert.equal(status, 200, JSON.stringify(body));
        if (body.ran) runs.ran++;
        else if (body.reason === "another minter is running") runs.refused++;
        for (const batch of body.batches) runs.transactions.add(batch.txHash);
      }
    };
    for (let wave = 0; wave < WAVES; wave++) {
      await Promise.all([load.paidOrders(ORDERS_PER_WAVE), cronBoth(), sleep(300).then(cronBoth)]);
    }
    await cronBoth();
    pass(
      `cron runs on both replicas at once: ${runs.ran} ran, ${runs.refused} refused by the lock, ` +
        `${runs.transactions.size} mint transactions sent by them (the rest by the schedules)`,
    );
    return WAVES * ORDERS_PER_WAVE;
  });
});
