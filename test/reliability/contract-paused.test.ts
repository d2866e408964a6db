// Drill: the contract paused by its admin in the middle of a minter run (after its first batch,
// before the others), payments keep coming in while it is paused, then it is unpaused. The
// batches the pause refused fail and are retried after the minter's backoff
// (MINT_RETRY_BASE_SECONDS, 3 s here): in the end every reward is paid once. A pause is not an outage: no 5xx is excused for it.
import assert from "node:assert/strict";
import { it } from "node:test";
import pg from "pg";
import { referralRewardsAbi } from "../../deployments/abi.ts";
import { pass } from "./checks.ts";
import { drillWorld, runDrill, sleep } from "./drill.ts";
import { createLoad } from "./load.ts";

const BACKLOG = 16;
const WHILE_PAUSED = 6;
const world = drillWorld();

it("contract paused mid-batch and unpaused", { timeout: 180_000 }, async () => {
  const w = world.get();
  await runDrill("contract paused mid-batch and unpaused", w, async () => {
    // The schedule is off: an external scheduler (this drill) calls the cron route.
    // Failed rewards are retried after 3 s instead of the default 30 s (MINT_RETRY_BASE_SECONDS).
    const server = await w.replica("server", { MINT_INTERVAL_SECONDS: "0", MINT_RETRY_BASE_SECONDS: "3" });
    await server.start();
    const load = createLoad(w.record, () => server.url);
    await load.setUp();
    await load.paidOrders(BACKLOG);

    const ledger = new pg.Client({ connectionString: w.postgres.url });
    await ledger.connect();
    const count = async (state: string) =>
      (await ledger.query<{ n: number }>("select count(*)::int as n from rewards where state = $1", [state])).rows[0]!
        .n;
    const setPaused = async (paused: boolean) => {
      const hash = await w.admin.writeContract({
        address: w.deployment.proxy,
        abi: referralRewardsAbi,
        functionName: paused ? "pause" : "unpause",
        account: w.admin.account,
        chain: null,
      });
      await w.chain.waitForTransactionReceipt({ hash });
    };
    try {
      const run = load.cronMint();
      // Paused as soon as the first batch is minted, while the run goes on with the next.
      for (let polls = 0; (await count("minted")) === 0; polls++) {
        assert.ok(polls < 2_000, "the first batch was minted");
        await sleep(5);
      }
      await setPaused(true);
      const summary = (await run).body;
      assert.ok(summary.minted > 0 && summary.minted < BACKLOG, `the pause split the run: ${JSON.stringify(summary)}`);
      const failed = await count("failed");
      assert.ok(failed > 0, "the batches after the pause failed");
      pass(`paused after ${summary.minted} of ${BACKLOG} rewards were minted; ${failed} failed on the pause`);

      await load.paidOrders(WHILE_PAUSED);
      const pausedRun = (await load.cronMint()).body;
      assert.equal(pausedRun.minted, 0, "nothing is minted while paused");
      await sleep(1_000);
      await setPaused(false);
      pass(`${WHILE_PAUSED} more orders paid while paused; unpaused`);

      // The scheduler goes on calling; failed rewards come back after their backoff.
      const unpaused = Date.now();
      const until = unpaused + 90_000;
      while ((await count("minted")) < BACKLOG + WHILE_PAUSED && Date.now() < until) {
        assert.equal((await load.cronMint()).status, 200);
        await sleep(1_000);
      }
      const seconds = (Date.now() - unpaused) / 1000;
      // Under the default 30 s backoff they could not all be back this soon.
      assert.ok(seconds < 25, `every reward minted ${seconds.toFixed(1)} s after the unpause (retry base 3 s)`);
      pass(
        `every reward minted ${seconds.toFixed(1)} s after the unpause: failed ones retried after MINT_RETRY_BASE_SECONDS`,
      );
    } finally {
      await ledger.end();
    }
    return BACKLOG + WHILE_PAUSED;
  });
});
