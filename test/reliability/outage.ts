// What the outage drills share: a load of paid orders running in the background, and the moment
// to strike: when the minter has rewards in flight (`minting`), i.e. mid-batch.
import assert from "node:assert/strict";
import pg from "pg";
import { sleep } from "./drill.ts";
import type { Load } from "./load.ts";
import type { World } from "./world.ts";

/** Resolves once some reward is `minting` (a batch is on its way) or, failing that, once
 *  `minted` rewards exist and more are coming; gives up after `timeoutMs`. */
export async function midBatch(world: World, timeoutMs = 30_000): Promise<string> {
  const client = new pg.Client({ connectionString: world.postgres.url });
  await client.connect();
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ state: string; n: number }>(
        "select state, count(*)::int as n from rewards group by state",
      );
      const of = (state: string) => rows.find((row) => row.state === state)?.n ?? 0;
      if (of("minting") > 0) return `${of("minting")} rewards minting, ${of("minted")} minted`;
      assert.ok(Date.now() < until, `no batch in flight within ${timeoutMs} ms: ${JSON.stringify(rows)}`);
      await sleep(2);
    }
  } finally {
    await client.end();
  }
}

export interface SteadyLoad {
  /** Finishes the wave under way and resolves with how many orders were paid in all. */
  stop(): Promise<number>;
}

/** Orders paid wave after wave (each wave's deliveries retried until accepted) until stopped: a
 *  load that spans an outage rather than finishing before it. */
export function steadyLoad(load: Load, wave = 3): SteadyLoad {
  let stopped = false;
  let paid = 0;
  const running = (async () => {
    while (!stopped) {
      await load.paidOrders(wave, { concurrency: wave });
      paid += wave;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      return paid;
    },
  };
}
