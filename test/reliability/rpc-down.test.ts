// Drill: the RPC endpoint down for 30 s while a batch is in flight. The servers reach the chain
// through a TCP proxy that refuses connections and cuts open ones; orders and payments keep
// coming; the minter's runs fail until the chain is back, then settle what was in flight and pay
// the rest.
import { it } from "node:test";
import { pass } from "./checks.ts";
import { drillWorld, runDrill, sleep } from "./drill.ts";
import { createLoad } from "./load.ts";
import { midBatch, steadyLoad } from "./outage.ts";

const DOWN_MS = 30_000;
const world = drillWorld();

it("RPC endpoint down for 30 s mid-batch", { timeout: 180_000 }, async () => {
  const w = world.get();
  await runDrill("RPC endpoint down for 30 s mid-batch", w, async () => {
    const server = await w.replica("server", { MINT_BATCH_SIZE: "2" });
    await server.start();
    const load = createLoad(w.record, () => server.url);
    await load.setUp();
    const traffic = steadyLoad(load);
    const moment = await midBatch(w);
    await w.record.outage("RPC", async () => {
      await w.rpc.down();
      await sleep(DOWN_MS);
      await w.rpc.up();
    });
    pass(`RPC down for ${DOWN_MS / 1000} s from the moment ${moment}`);
    await sleep(2_000); // and the load goes on a while after it
    const orders = await traffic.stop();
    pass(`the load went on through it: ${orders} orders paid in all`);
    return orders;
  });
});
