import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createGroupCommit, GroupCommitUnavailableError } from "./group-commit.ts";

/** A group commit whose flushes are recorded and held until released. */
function recorder(options: { flushMs?: number; maxBatch?: number; maxInFlight?: number; maxPending?: number } = {}) {
  const flushed: number[][] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const group = createGroupCommit<number, string>({
    flushMs: options.flushMs ?? 5,
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 2,
    ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
    keyOf: (n) => (n < 0 ? `dup${n}` : `${n}:${Math.random()}`),
    async flush(items) {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      if (items.includes(13)) throw new Error("unlucky batch");
      flushed.push(items);
      return items.map((n) => `stored ${n}`);
    },
  });
  return { group, flushed, mostInFlight: () => mostInFlight };
}

describe("createGroupCommit", () => {
  it("test_submit_withinFlushDelay_sharesOneFlush", async () => {
    const { group, flushed } = recorder();
    const results = await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    assert.deepEqual(results, ["stored 1", "stored 2", "stored 3"]);
    assert.deepEqual(flushed, [[1, 2, 3]]);
  });

  it("test_submit_fullBatches_goAtOnceWithinTheFlights", async () => {
    const { group, flushed, mostInFlight } = recorder({ flushMs: 60_000, maxBatch: 2, maxInFlight: 2 });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => group.submit(n)));
    assert.ok(Date.now() - started < 5_000, "full batches do not wait for the flush delay");
    assert.deepEqual(flushed.flat().sort(), [1, 2, 3, 4, 5, 6]);
    assert.equal(flushed.length, 3);
    assert.equal(mostInFlight(), 2);
  });

  it("test_submit_sameKeyInOpenBatch_sharesThePromise", async () => {
    const { group, flushed } = recorder();
    const first = group.submit(-1);
    assert.equal(group.submit(-1), first);
    await first;
    assert.deepEqual(flushed, [[-1]]);
  });

  it("test_flush_throws_rejectsEveryItemOfThatBatchOnly", async () => {
    const { group } = recorder({ maxBatch: 2, flushMs: 60_000 });
    const results = await Promise.allSettled([12, 13, 14, 15].map((n) => group.submit(n)));
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected", "fulfilled", "fulfilled"],
    );
  });

  it("test_submit_beyondMaxPending_isRefusedOverloaded", async () => {
    const { group } = recorder({ flushMs: 60_000, maxPending: 2 });
    const first = [group.submit(1), group.submit(2)];
    await assert.rejects(group.submit(3), (error) => {
      assert.ok(error instanceof GroupCommitUnavailableError);
      assert.equal(error.reason, "overloaded");
      return true;
    });
    await group.close();
    assert.deepEqual(await Promise.all(first), ["stored 1", "stored 2"]);
  });

  it("test_close_writesWhatIsBuffered_thenRefuses", async () => {
    const { group, flushed } = recorder({ flushMs: 60_000 });
    const pending = group.submit(7);
    await group.close();
    assert.equal(await pending, "stored 7");
    assert.deepEqual(flushed, [[7]]);
    await assert.rejects(group.submit(8), { name: "GroupCommitUnavailableError", reason: "closed" });
  });
});
