// Drill: reorgs under the indexer (and the minter). First a reorg that moves a minter transaction
// the indexer has indexed into a later block (the transaction re-included, as a node re-mines it
// from its pool); then one that removes a minted batch altogether (anvil drops its transactions,
// as when a reorged-out transaction is not re-mined). The indexer must unwind both to the chain's
// new state, and the minter must notice the payments that are gone and make them again.
import assert from "node:assert/strict";
import { it } from "node:test";
import pg from "pg";
import type { Hex } from "viem";
import { pass, waitUntilSettled } from "./checks.ts";
import { drillWorld, runDrill } from "./drill.ts";
import { createLoad } from "./load.ts";
import type { World } from "./world.ts";

const world = drillWorld();

/** The newest mint transaction in the ledger and the orders it paid. */
async function lastMint(w: World): Promise<{ txHash: Hex; blockNumber: number; orderRefs: string[] }> {
  const client = new pg.Client({ connectionString: w.postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tx_hash: Hex; block_number: number; order_ref: string }>(
      `select tx_hash, block_number::int, lower(order_ref) as order_ref from rewards
        where tx_hash = (select tx_hash from rewards where state = 'minted' order by block_number desc limit 1)`,
    );
    assert.ok(rows.length > 0, "a minted batch");
    return {
      txHash: rows[0]!.tx_hash,
      blockNumber: rows[0]!.block_number,
      orderRefs: rows.map((row) => row.order_ref),
    };
  } finally {
    await client.end();
  }
}

/** The indexer's payouts of `orderRefs` (its public views), once it has indexed the chain's head. */
async function indexedPayouts(w: World, orderRefs: string[]) {
  await w.chain.request({ method: "evm_mine" as never }); // a local chain's newest block is indexed with the next
  await w.indexer.waitForBlock(await w.chain.getBlockNumber({ cacheTime: 0 }), 30_000);
  const client = new pg.Client({ connectionString: w.postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ order_ref: string; tx_hash: string; block_number: string }>(
      `select lower(order_ref) as order_ref, tx_hash, block_number::text from "${w.viewsSchema}".payout
        where lower(order_ref) = any($1)`,
      [orderRefs],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Waits until every reward of `orderRefs` is minted in a transaction and block that satisfy `where`. */
async function ledgerFollows(w: World, orderRefs: string[], where: (txHash: string, block: number) => boolean) {
  const client = new pg.Client({ connectionString: w.postgres.url });
  await client.connect();
  try {
    for (const until = Date.now() + 30_000; ;) {
      const { rows } = await client.query<{ state: string; tx_hash: string | null; block_number: number | null }>(
        "select state, tx_hash, block_number::int from rewards where lower(order_ref) = any($1)",
        [orderRefs],
      );
      if (rows.every((row) => row.state === "minted" && where(row.tx_hash!, row.block_number!))) return;
      assert.ok(Date.now() < until, `the ledger did not follow the chain: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

async function reorg(w: World, depth: number, replay: [Hex, number][]) {
  await w.chain.request({ method: "anvil_reorg" as never, params: [depth, replay] as never });
}

it("anvil reorgs under the indexer", { timeout: 180_000 }, async () => {
  const w = world.get();
  await runDrill("anvil reorgs under the indexer", w, async () => {
    const server = await w.replica("server");
    await server.start();
    const load = createLoad(w.record, () => server.url);
    await load.setUp();
    await load.paidOrders(8);
    await waitUntilSettled(w, 8);

    // 1. The newest batch moves one block later: same transaction, new block.
    const moved = await lastMint(w);
    const seen = await indexedPayouts(w, moved.orderRefs);
    assert.equal(seen.length, moved.orderRefs.length, "the indexer had indexed the batch");
    assert.ok(seen.every((row) => Number(row.block_number) === moved.blockNumber));
    const head = Number(await w.chain.getBlockNumber({ cacheTime: 0 }));
    const raw = await w.chain.request({
      method: "eth_getRawTransactionByHash" as never,
      params: [moved.txHash] as never,
    });
    await reorg(w, head - moved.blockNumber + 1, [[raw as Hex, 1]]);
    const receipt = await w.chain.getTransactionReceipt({ hash: moved.txHash });
    assert.equal(Number(receipt.blockNumber), moved.blockNumber + 1, "anvil re-mined the batch a block later");
    const reindexed = await indexedPayouts(w, moved.orderRefs);
    assert.deepEqual(
      reindexed.map((row) => Number(row.block_number)),
      moved.orderRefs.map(() => moved.blockNumber + 1),
      "the indexer moved the payouts to their new block",
    );
    await ledgerFollows(w, moved.orderRefs, (tx, block) => tx === moved.txHash && block === moved.blockNumber + 1);
    pass(
      `reorg of ${head - moved.blockNumber + 1} blocks moved a batch of ${seen.length} the indexer had seen to block ${moved.blockNumber + 1}: re-indexed there, and the minter recorded the new block`,
    );

    // 2. A newer batch disappears: its transaction is dropped with its block.
    await load.paidOrders(4);
    await waitUntilSettled(w, 12);
    const dropped = await lastMint(w);
    assert.notEqual(dropped.txHash, moved.txHash);
    assert.equal((await indexedPayouts(w, dropped.orderRefs)).length, dropped.orderRefs.length, "indexed");
    const tip = Number(await w.chain.getBlockNumber({ cacheTime: 0 }));
    await reorg(w, tip - dropped.blockNumber + 1, []);
    assert.equal(await w.chain.getTransactionReceipt({ hash: dropped.txHash }).catch(() => undefined), undefined);
    await ledgerFollows(w, dropped.orderRefs, (tx) => tx !== dropped.txHash);
    const repaid = await indexedPayouts(w, dropped.orderRefs);
    assert.equal(repaid.length, dropped.orderRefs.length, "the indexer has the new payments");
    assert.ok(
      repaid.every((row) => row.tx_hash !== dropped.txHash),
      "and none of the dropped transaction",
    );
    pass(
      `reorg of ${tip - dropped.blockNumber + 1} blocks dropped a minted batch of ${dropped.orderRefs.length} ` +
        "the indexer had seen: the minter paid them again in a new transaction",
    );
    return 12;
  });
});
