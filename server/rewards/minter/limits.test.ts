// The minter honours the contract's damage limits: nothing above maxPerPayment is sent, no batch
// exceeds what is left of the window budget, and what waits for the next window is paid then.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../../scripts/lib/clients.ts";
import { startTestStack, type TestStack } from "../../test/harness.ts";
import { type MinterFixtures, minterFixtures } from "../../test/minter-fixtures.ts";
import { planBatch } from "./limits.ts";
import { runMinter } from "./run.ts";

const UINT96_MAX = 2n ** 96n - 1n;

describe("planBatch", () => {
  const amountArb = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 1n, max: UINT96_MAX + 10n }));
  const limitsArb = fc.record({
    maxPerPayment: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 10n ** 6n })),
    windowRemaining: fc.oneof(fc.constant(UINT96_MAX), fc.bigInt({ min: 0n, max: 5n * 10n ** 6n })),
    windowEnd: fc.constant(0),
  });

  it("property: pays only amounts the contract takes, within the budget, and loses no reward", () => {
    fc.assert(
      fc.property(fc.array(amountArb, { maxLength: 50 }), limitsArb, (amounts, limits) => {
        const rows = amounts.map((amount, id) => ({ id, tokenAmount: amount.toString() }));
        const plan = planBatch(rows, limits);
        const paid = plan.payable.map((row) => BigInt(row.tokenAmount));
        const spent = paid.reduce((a, b) => a + b, 0n);
        assert.ok(spent <= limits.windowRemaining, "within the window budget");
        for (const amount of paid) {
          assert.ok(amount > 0n && amount <= UINT96_MAX);
          if (limits.maxPerPayment !== 0n) assert.ok(amount <= limits.maxPerPayment);
        }
        for (const { row } of plan.unpayable) {
          const amount = BigInt(row.tokenAmount);
          assert.ok(
            amount === 0n || amount > UINT96_MAX || (limits.maxPerPayment !== 0n && amount > limits.maxPerPayment),
          );
        }
        // deferred only when it did not fit what was left (the budget only shrinks)
        for (const row of plan.deferred) assert.ok(BigInt(row.tokenAmount) > limits.windowRemaining - spent);
        const ids = [...plan.payable, ...plan.unpayable.map(({ row }) => row), ...plan.deferred].map((row) => row.id);
        assert.deepEqual(
          ids.sort((a, b) => a - b),
          rows.map((row) => row.id),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe("minter within the contract's limits", () => {
  let stack: TestStack;
  let f: MinterFixtures;
  let admin: Clients;

  before(async () => {
    stack = await startTestStack();
    f = await minterFixtures(stack);
    admin = await connect(stack.anvil.rpcUrl, anvilKeys.deployer);
  });
  after(() => stack?.stop());

  const setLimits = async (maxPerPayment: bigint, windowBudget: bigint, windowDuration: number) =>
    admin.publicClient.waitForTransactionReceipt({
      hash: await admin.walletClient.writeContract({
        address: f.deployment.proxy,
        abi: referralRewardsAbi,
        functionName: "setLimits",
        args: [maxPerPayment, windowBudget, windowDuration],
      }),
    });

  it("fails what is above maxPerPayment, defers what the window cannot take, and pays it in the next window", async () => {
    const unit = 10n ** 15n;
    const amounts = [6n, 4n, 4n, 3n, 1n].map((n) => n * unit);
    await setLimits(5n * unit, 10n * unit, 3_600);
    try {
      const created = await f.approvedRewards(amounts.length, amounts.length, (i) => amounts[i]!);
      const [above, first, second, deferred, small] = created;
      const summary = await runMinter(f.minter());
      assert.equal(summary.failed, 1, "only the one above the maximum");
      assert.equal(summary.minted, 3);
      assert.equal(summary.deferred, 1);
      assert.match(summary.reason ?? "", /window budget is spent until/);
      assert.equal(summary.batches.length, 1, "no batch reverted, none was retried");

      const [aboveRow] = await f.reload([above!.id]);
      assert.equal(aboveRow!.state, "failed");
      assert.match(aboveRow!.lastError ?? "", /above the contract's maxPerPayment 5000000000000000/);
      assert.equal((await f.onChain(above!.orderRef as `0x${string}`)).amount, 0n);
      await f.assertPaidExactlyOnce([first!.id, second!.id, small!.id]);
      const [waiting] = await f.reload([deferred!.id]);
      assert.equal(waiting!.state, "approved", "still waiting, not failed");

      const early = await runMinter(f.minter());
      assert.equal(early.minted, 0, "nothing paid before the window renews");

      await f.operator.publicClient.request({ method: "evm_increaseTime" as never, params: [3_601] as never });
      await f.operator.publicClient.request({ method: "evm_mine" as never });
      const next = await runMinter(f.minter());
      assert.equal(next.minted, 1);
      assert.equal(next.deferred, 0);
      await f.assertPaidExactlyOnce([deferred!.id]);
      await f.assertAuditClean();
    } finally {
      await setLimits(0n, 0n, 0);
    }
  });
});
