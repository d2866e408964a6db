// The minter's crash points and stuck transactions (issue 4's acceptance): whatever stops a
// run, the next one ends with every reward minted, each paid exactly once, nothing in `minting`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { Hex } from "viem";
import { rewards } from "../../db/schema.ts";
import { startTestStack, type TestStack } from "../../test/harness.ts";
import { type MinterFixtures, minterFixtures } from "../../test/minter-fixtures.ts";
import type { MinterFaults } from "./context.ts";
import { runMinter } from "./run.ts";

let stack: TestStack;
let f: MinterFixtures;

before(async () => {
  stack = await startTestStack();
  f = await minterFixtures(stack);
});
after(() => stack?.stop());

const childScript = fileURLToPath(new URL("../../test/minter-child.ts", import.meta.url));

/** Runs the minter in a child process that SIGKILLs itself at `crashAt`; resolves with how it ended. */
async function crashingMinter(crashAt: keyof MinterFaults) {
  const child = spawn(process.execPath, [childScript], {
    env: {
      ...process.env,
      DATABASE_URL: stack.database.url,
      RPC_URL: stack.anvil.rpcUrl,
      REWARDS_ADDRESS: f.deployment.proxy,
      FROM_BLOCK: String(f.deployment.startBlock),
      MINTER_CRASH_AT: crashAt,
      BATCH_SIZE: "10",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  return { code, signal, output };
}

const inMinting = async (ids: string[]) => (await f.reload(ids)).filter((row) => row.state === "minting");

/** The next run after a crash: PostgreSQL frees the dead session's advisory lock a moment after the kill. */
async function runAfterCrash(batchSize: number) {
  for (let attempt = 0; ; attempt++) {
    const summary = await runMinter(f.minter({ batchSize }));
    if (summary.ran || attempt === 50) return summary;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const anvilRpc = (method: string, params: unknown[] = []) =>
  f.operator.publicClient.request({ method: method as never, params: params as never });

describe("minter crash points", () => {
  const points: [keyof MinterFaults, string][] = [
    ["beforeSend", "before the send"],
    ["afterSend", "after the send, before its hash is stored"],
    ["afterRecord", "after the send, before the receipt"],
    ["afterReceipt", "after the receipt, before the database update"],
  ];
  for (const [point, label] of points) {
    it(`recovers from a SIGKILL ${label}`, async () => {
      const created = await f.approvedRewards(25, 5);
      const ids = created.map((row) => row.id);
      const crashed = await crashingMinter(point);
      assert.equal(crashed.signal, "SIGKILL", crashed.output);
      const left = await inMinting(ids);
      assert.equal(left.length, 10, "the first batch is left in minting");
      const sent = point !== "beforeSend";
      for (const row of left) {
        // The transaction went out before the crash: the first batch is paid on-chain already.
        assert.equal((await f.onChain(row.orderRef as Hex)).amount.toString(), sent ? row.tokenAmount : "0");
      }
      const summary = await runAfterCrash(10);
      assert.equal(summary.ran, true);
      assert.equal(summary.failed, 0);
      assert.equal(summary.reconciled, sent ? 10 : 0);
      await f.assertPaidExactlyOnce(ids);
      assert.deepEqual(await inMinting(ids), []);
    });
  }
});

describe("stuck transactions", () => {
  it("settles a batch whose receipt wait timed out while the transaction landed later", async () => {
    const created = await f.approvedRewards(6, 3);
    const ids = created.map((row) => row.id);
    await anvilRpc("evm_setAutomine", [false]);
    try {
      const first = await runMinter(f.minter({ receiptTimeoutMs: 300, maxReplacements: 0 }));
      assert.equal(first.minted, 0);
      assert.match(first.reason ?? "", /not mined yet/);
      const [row] = await f.reload([ids[0]!]);
      assert.equal(row!.state, "minting");
      assert.ok(row!.txHash && row!.txNonce !== null, "hash and nonce stored before the wait");
      await anvilRpc("evm_mine"); // the transaction lands after the wait gave up
    } finally {
      await anvilRpc("evm_setAutomine", [true]);
    }
    const second = await runMinter(f.minter());
    assert.equal(second.reconciled, 6);
    assert.equal(second.batches.length, 0, "nothing sent twice");
    await f.assertPaidExactlyOnce(ids);
  });

  it("replaces a stuck transaction with the same nonce and a higher fee", async () => {
    const created = await f.approvedRewards(5, 5);
    const ids = created.map((row) => row.id);
    const sent: Hex[] = [];
    const pending: Awaited<ReturnType<typeof f.operator.publicClient.getTransaction>>[] = [];
    await anvilRpc("evm_setAutomine", [false]);
    try {
      const summary = await runMinter(
        f.minter({
          receiptTimeoutMs: 300,
          maxReplacements: 2,
          faults: {
            async afterRecord(hash) {
              sent.push(hash);
              pending.push(await f.operator.publicClient.getTransaction({ hash }));
              if (sent.length === 2) await anvilRpc("evm_mine"); // only the replacement is mined
            },
          },
        }),
      );
      assert.equal(summary.replaced, 1);
      assert.equal(summary.minted, 5);
      assert.deepEqual(
        summary.batches.map((batch) => batch.txHash),
        [sent[1]],
        "the summary names the mined replacement",
      );
    } finally {
      await anvilRpc("evm_setAutomine", [true]);
    }
    const [original, replacement] = pending;
    assert.equal(replacement!.nonce, original!.nonce);
    assert.ok(replacement!.maxFeePerGas! > original!.maxFeePerGas!);
    assert.ok(replacement!.maxPriorityFeePerGas! > original!.maxPriorityFeePerGas!);
    await assert.rejects(f.operator.publicClient.getTransactionReceipt({ hash: sent[0]! }), /could not be found/);
    const rows = await f.reload(ids);
    assert.deepEqual(new Set(rows.map((row) => row.txHash)), new Set([sent[1]]));
    await f.assertPaidExactlyOnce(ids);
  });

  it("re-sends an unmined transaction left by an earlier run with its own nonce", async () => {
    const created = await f.approvedRewards(4, 4);
    const ids = created.map((row) => row.id);
    await anvilRpc("evm_setAutomine", [false]);
    try {
      await runMinter(f.minter({ receiptTimeoutMs: 200, maxReplacements: 0 }));
      const [row] = await f.db.select().from(rewards).where(eq(rewards.id, ids[0]!));
      const resent: Hex[] = [];
      const summary = await runMinter(
        f.minter({
          receiptTimeoutMs: 2_000,
          faults: {
            async afterRecord(hash) {
              resent.push(hash);
              await anvilRpc("evm_mine");
            },
          },
        }),
      );
      assert.equal(resent.length, 1);
      assert.notEqual(resent[0], row!.txHash);
      assert.equal((await f.operator.publicClient.getTransaction({ hash: resent[0]! })).nonce, row!.txNonce);
      assert.equal(summary.minted, 4);
    } finally {
      await anvilRpc("evm_setAutomine", [true]);
    }
    await f.assertPaidExactlyOnce(ids);
  });
});

describe("after the drills", () => {
  it("the audit finds the ledger and the chain in agreement", async () => {
    const report = await f.assertAuditClean();
    assert.equal(report.ledgerRows, 4 * 25 + 6 + 5 + 4, "every drill's rewards were audited");
  });
});
