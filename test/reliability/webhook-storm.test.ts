// Drill: a webhook storm. Every payment's deliveries, plus a duplicate of one in five, arrive
// shuffled and many at once (a Stripe payment_intent.succeeded may come before its checkout
// session): each order is paid once and gets one reward, minted once.
import { it } from "node:test";
import { drillSeed, drillWorld, runDrill, seededRandom, shuffle } from "./drill.ts";
import { createLoad, inParallel } from "./load.ts";
import { pass } from "./checks.ts";

const ORDERS = 40;
const DUPLICATE_SHARE = 0.2;
const world = drillWorld();

it("webhook storm: 20% duplicates, shuffled order", { timeout: 180_000 }, async () => {
  const w = world.get();
  await runDrill("webhook storm with 20% duplicates in shuffled order", w, async () => {
    const random = seededRandom(drillSeed());
    const server = await w.replica("server");
    await server.start();
    const load = createLoad(w.record, () => server.url);
    await load.setUp();
    const plans = await load.orders(ORDERS);
    const deliveries = plans.flatMap((plan) => load.deliveries(plan));
    const duplicates = deliveries.filter(() => random() < DUPLICATE_SHARE);
    const storm = shuffle([...deliveries, ...duplicates], random);
    const started = performance.now();
    await inParallel(storm, 16, (delivery) => load.deliver(delivery));
    pass(
      `storm delivered: ${storm.length} deliveries (${duplicates.length} duplicates) for ${ORDERS} orders ` +
        `in ${Math.round(performance.now() - started)} ms, 16 at a time`,
    );
    return ORDERS;
  });
});
