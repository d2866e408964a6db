// Refunds and chargebacks through the webhooks, before and after payout, in and out of order; the
// reward sweep after an injected failure; membership payments. Real server, Postgres and anvil.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq, sql } from "drizzle-orm";
import type { Hex } from "viem";
import { referralRewardsAbi } from "../../deployments/abi.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { connect } from "../../scripts/lib/clients.ts";
import { rewardAdjustments, rewardTasks } from "../db/schema.ts";
import { signIn } from "../test/harness.ts";
import { startWebhookWorld, type WebhookWorld } from "../test/webhook-world.ts";

let world: WebhookWorld;
before(async () => {
  world = await startWebhookWorld();
});
after(() => world?.stop());

const db = () => world.stack.server.deps.db;
const TOKEN = 10n ** 18n;

async function paid(amount: string, options: Parameters<WebhookWorld["referredBuyer"]>[0] = {}) {
  const buyer = await world.referredBuyer(options);
  const ref = await buyer.order(Math.round(Number(amount) * 100));
  assert.equal((await world.wayforpay({ orderReference: ref, amount })).status, 200);
  return { buyer, ref };
}

let refundDate = 1_763_100_000;
/** A WayForPay refund callback (each one a new event: its own processing date). */
const refund = (ref: string, amount: string, refundAmount?: string) =>
  world.wayforpay({
    orderReference: ref,
    amount,
    transactionStatus: "Refunded",
    processingDate: ++refundDate,
    ...(refundAmount === undefined ? {} : { refundAmount }),
  });

async function approveAndMint(refs: string[]) {
  const ids = await Promise.all(refs.map(async (ref) => (await world.reward(ref))!.id));
  const approved = await world.admin.post("/api/admin/rewards/approve", { ids });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const run = await world.admin.post("/api/admin/mint");
  assert.equal(run.status, 200, JSON.stringify(run.body));
  return run.body;
}

/** The contract's per-payment maximum (0 = none), set from the deployer (DEFAULT_ADMIN_ROLE). */
async function setMaxPerPayment(maxPerPayment: bigint) {
  const admin = await connect(world.stack.anvil.rpcUrl, anvilKeys.deployer);
  const hash = await admin.walletClient.writeContract({
    address: world.stack.server.deps.chain.rewards,
    abi: referralRewardsAbi,
    functionName: "setLimits",
    args: [maxPerPayment, 0n, 0],
  });
  await admin.publicClient.waitForTransactionReceipt({ hash });
}

async function paymentOf(orderRef: string) {
  const { chain } = world.stack.server.deps;
  const [referrer, amount] = await chain.client.readContract({
    address: chain.rewards,
    abi: referralRewardsAbi,
    functionName: "paymentOf",
    args: [orderRef as Hex],
  });
  return { referrer, amount };
}

describe("refunds before payout", () => {
  it("cancels the reward on a full refund", async () => {
    const { ref } = await paid("100.00");
    const response = await refund(ref, "100.00");
    assert.equal(response.status, 200);
    const order = await world.order(ref);
    assert.equal(order.status, "refunded");
    assert.equal(order.refundedMinor, 10_000);
    const reward = await world.reward(ref);
    assert.equal(reward?.state, "cancelled");
    const [delivery] = (await world.deliveries(ref)).filter((row) => row.kind === "refunded");
    assert.equal(delivery?.outcome, "refund_applied");
    assert.match(delivery!.detail!, /reward cancelled/);
  });

  it("reduces the reward proportionally on partial refunds, without compounding rounding", async () => {
    const { buyer, ref } = await paid("100.00");
    await refund(ref, "100.00", "25.00");
    let reward = await world.reward(ref);
    assert.equal(reward?.state, "pending_approval");
    assert.equal(reward?.rewardMinor, 750);
    assert.equal(reward?.tokenAmount, (3n * TOKEN).toString());
    assert.equal(reward?.grossTokenAmount, (4n * TOKEN).toString());
    await refund(ref, "100.00", "15.00");
    reward = await world.reward(ref);
    assert.equal(reward?.rewardMinor, 600); // 10.00 × 60/100
    assert.equal(reward?.tokenAmount, ((4n * TOKEN * 60n) / 100n).toString());
    assert.equal((await world.order(ref)).status, "paid", "a partly refunded order stays paid");
    const adjustments = await world.adjustments(reward!.id);
    assert.deepEqual(
      adjustments.map((row) => [row.kind, row.rewardMinor, row.tokenAmount]),
      [
        ["refund", 250, TOKEN.toString()],
        ["refund", 150, ((4n * TOKEN * 15n) / 100n).toString()],
      ],
    );
    // What is left is what gets paid.
    await approveAndMint([ref]);
    const onChain = await paymentOf(reward!.orderRef);
    assert.equal(onChain.referrer, buyer.referrer.address);
    assert.equal(onChain.amount, (4n * TOKEN * 60n) / 100n);
  });
});

describe("refunds after payout", () => {
  it("appends a clawback that the referrer's next reward pays off before it is minted", async () => {
    const first = await paid("100.00");
    await approveAndMint([first.ref]);
    const minted = await world.reward(first.ref);
    assert.equal(minted?.state, "minted");

    await refund(first.ref, "100.00");
    const after = await world.reward(first.ref);
    assert.equal(after?.state, "minted", "a paid reward is never taken back on-chain");
    assert.equal(after?.refundedMinor, 10_000);
    const [clawback] = await world.adjustments(minted!.id);
    assert.equal(clawback?.kind, "clawback");
    assert.equal(clawback?.tokenAmount, (4n * TOKEN).toString());
    assert.equal(clawback?.outstanding, (4n * TOKEN).toString());
    assert.equal(clawback?.rewardMinor, 1_000);

    // The same referrer's next reward: 25.00 USD = 10 tokens, of which 4 repay the clawback.
    const second = await paid("250.00", { referrer: first.buyer.referrer, code: first.buyer.code });
    await approveAndMint([second.ref]);
    const netted = await world.reward(second.ref);
    assert.equal(netted?.state, "minted");
    assert.equal(netted?.grossTokenAmount, (10n * TOKEN).toString());
    assert.equal(netted?.offsetTokenAmount, (4n * TOKEN).toString());
    assert.equal(netted?.tokenAmount, (6n * TOKEN).toString());
    assert.equal((await paymentOf(netted!.orderRef)).amount, 6n * TOKEN);
    const [offset] = await world.adjustments(netted!.id);
    assert.equal(offset?.kind, "offset");
    assert.equal(offset?.clawbackId, clawback!.id);
    assert.equal(offset?.tokenAmount, (4n * TOKEN).toString());
    const [settled] = await db().select().from(rewardAdjustments).where(eq(rewardAdjustments.id, clawback!.id));
    assert.equal(settled?.outstanding, "0");

    // The referrer sees the netting; nobody else does.
    const referrer = world.stack.client();
    await signIn(referrer, first.buyer.referrer);
    const mine = await referrer.get("/api/rewards/adjustments");
    assert.deepEqual(
      mine.body.adjustments.map((row: { kind: string; orderReference: string }) => [row.kind, row.orderReference]),
      [
        ["offset", first.ref],
        ["clawback", first.ref],
      ],
    );
    assert.deepEqual(mine.body.owed, []);
    const stranger = world.stack.client();
    await signIn(stranger);
    assert.deepEqual((await stranger.get("/api/rewards/adjustments")).body.adjustments, []);
    assert.equal((await stranger.get("/api/rewards/adjustments")).status, 200);
    assert.equal((await world.stack.client().get("/api/rewards/adjustments")).status, 401);
  });

  it("claws back a partial refund proportionally, and settles a smaller reward entirely by offset", async () => {
    const first = await paid("200.00"); // 20.00 USD reward = 8 tokens
    await approveAndMint([first.ref]);
    await refund(first.ref, "200.00", "150.00"); // 75 % back: 6 tokens owed
    const [clawback] = await world.adjustments((await world.reward(first.ref))!.id);
    assert.equal(clawback?.tokenAmount, (6n * TOKEN).toString());
    assert.equal(clawback?.rewardMinor, 1_500);

    // Next reward: 10.00 USD = 4 tokens, all of it owed: settled by offset, nothing sent.
    const second = await paid("100.00", { referrer: first.buyer.referrer, code: first.buyer.code });
    await approveAndMint([second.ref]);
    const absorbed = await world.reward(second.ref);
    assert.equal(absorbed?.state, "offset");
    assert.equal(absorbed?.tokenAmount, "0");
    assert.equal((await paymentOf(absorbed!.orderRef)).amount, 0n, "nothing was paid on-chain");
    const [left] = await db().select().from(rewardAdjustments).where(eq(rewardAdjustments.id, clawback!.id));
    assert.equal(left?.outstanding, (2n * TOKEN).toString());
    const owed = await world.admin.get(`/api/admin/reward-adjustments?referrer=${first.buyer.referrer.address}`);
    assert.deepEqual(owed.body.owed, [
      {
        token: world.stack.server.deps.chain.deployment.token,
        chainId: world.stack.server.deps.chain.deployment.chainId,
        outstanding: (2n * TOKEN).toString(),
      },
    ]);
  });

  it("gives a recovered offset back to its clawback when that reward is rejected", async () => {
    const first = await paid("100.00");
    await approveAndMint([first.ref]);
    await refund(first.ref, "100.00"); // 4 tokens owed
    const clawbackId = (await world.adjustments((await world.reward(first.ref))!.id))[0]!.id;

    // The next reward (50 tokens) recovers the 4 at its claim, then fails: above maxPerPayment.
    const second = await paid("1250.00", { referrer: first.buyer.referrer, code: first.buyer.code });
    await setMaxPerPayment(10n * TOKEN);
    try {
      const run = await approveAndMint([second.ref]);
      assert.equal(run.failed, 1);
    } finally {
      await setMaxPerPayment(0n);
    }
    const failed = await world.reward(second.ref);
    assert.equal(failed?.state, "failed");
    assert.equal(failed?.tokenAmount, (46n * TOKEN).toString());
    assert.equal(failed?.offsetTokenAmount, (4n * TOKEN).toString());
    const owed = async () =>
      (await db().select().from(rewardAdjustments).where(eq(rewardAdjustments.id, clawbackId)))[0]?.outstanding;
    assert.equal(await owed(), "0");

    const rejected = await world.admin.post("/api/admin/rewards/reject", { ids: [failed!.id], reason: "too large" });
    assert.equal(rejected.body.moved.length, 1);
    assert.equal(await owed(), (4n * TOKEN).toString(), "owed again");
    const restored = await world.reward(second.ref);
    assert.equal(restored?.tokenAmount, (50n * TOKEN).toString());
    assert.equal(restored?.offsetTokenAmount, "0");
    assert.deepEqual(
      (await world.adjustments(failed!.id)).map((row) => [row.kind, row.clawbackId, row.tokenAmount]),
      [
        ["offset", clawbackId, (4n * TOKEN).toString()],
        ["offset_reversal", clawbackId, (4n * TOKEN).toString()],
      ],
    );
  });
});

describe("events out of order", () => {
  it("keeps a full refund that arrives before the payment and applies it when the payment arrives", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    await refund(ref, "100.00");
    let [kept] = await world.deliveries(ref);
    assert.equal(kept?.outcome, "refund_deferred");
    assert.equal(kept?.processedAt, null);
    assert.equal((await world.order(ref)).status, "pending");

    assert.equal((await world.wayforpay({ orderReference: ref })).status, 200);
    const order = await world.order(ref);
    assert.equal(order.status, "refunded");
    assert.equal(order.refundedMinor, 10_000);
    [kept] = await world.deliveries(ref);
    assert.equal(kept?.outcome, "refund_applied");
    assert.ok(kept?.processedAt);
    assert.equal(await world.reward(ref), undefined);
    const task = await world.task(ref);
    assert.equal(task?.state, "no_reward");
    assert.match(task!.reason!, /order is refunded|refunded in full/);
  });

  it("starts the reward from what a partial refund left when the refund came first", async () => {
    const buyer = await world.referredBuyer();
    const ref = await buyer.order(10_000);
    await refund(ref, "100.00", "40.00");
    await world.wayforpay({ orderReference: ref });
    const reward = await world.reward(ref);
    assert.equal(reward?.refundedMinor, 4_000);
    assert.equal(reward?.rewardMinor, 600);
    assert.equal(reward?.tokenAmount, ((4n * TOKEN * 60n) / 100n).toString());
  });
});

/** An order paid through the webhook while the database refuses every reward insert (a trigger). */
async function paidWhileRewardsFail(): Promise<string> {
  await db().execute(sql`
    create or replace function refcodes_test_fail_reward() returns trigger language plpgsql as $$
    begin raise exception 'injected: the reward table refuses inserts'; end $$`);
  await db().execute(sql`create trigger refcodes_test_fail before insert on rewards
    for each row execute function refcodes_test_fail_reward()`);
  try {
    return (await paid("100.00")).ref;
  } finally {
    await db().execute(sql`drop trigger refcodes_test_fail on rewards`);
  }
}

describe("reward creation failures", () => {
  it("records an injected failure, never fails the webhook, and the sweep creates the reward later", async () => {
    const ref = await paidWhileRewardsFail();
    assert.equal((await world.order(ref)).status, "paid", "the payment stands");
    assert.equal(await world.reward(ref), undefined);
    let task = await world.task(ref);
    assert.equal(task?.state, "pending");
    assert.equal(task?.attempts, 1);
    assert.match(task!.lastError!, /injected/);
    const listed = await world.admin.get("/api/admin/reward-tasks?state=pending");
    assert.ok(listed.body.tasks.some((row: { orderReference: string }) => row.orderReference === ref));

    // Not due yet: the sweep leaves it alone.
    assert.equal((await world.admin.post("/api/admin/reward-tasks/sweep")).body.attempted, 0);
    await db().update(rewardTasks).set({ nextAttemptAt: new Date() }).where(eq(rewardTasks.orderReference, ref));
    const swept = await world.admin.post("/api/admin/reward-tasks/sweep");
    assert.deepEqual(swept.body, { attempted: 1, created: 1, noReward: 0, failed: 0 });
    task = await world.task(ref);
    assert.equal(task?.state, "created");
    assert.equal((await world.reward(ref))?.state, "pending_approval");
  });

  it("lets an admin reject a task that keeps failing, with a reason", async () => {
    const ref = await paidWhileRewardsFail();
    const path = `/api/admin/reward-tasks/${ref}/reject`;
    assert.equal((await world.admin.post(path, { reason: "" })).status, 400);
    const outsider = world.stack.client();
    await signIn(outsider);
    assert.equal((await outsider.post(path, { reason: "not mine to decide" })).status, 403);
    const rejected = await world.admin.post(path, { reason: "buyer is the referrer's employee" });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.state, "rejected");
    await db().update(rewardTasks).set({ nextAttemptAt: new Date() }).where(eq(rewardTasks.orderReference, ref));
    assert.equal((await world.admin.post("/api/admin/reward-tasks/sweep")).body.attempted, 0);
    assert.equal(await world.reward(ref), undefined);
    assert.equal((await world.admin.post(path, { reason: "again" })).status, 409);
  });
});

describe("membership payments", () => {
  it("rewards the buyer's sign-up referrer (referredBy) at the membership rate", async () => {
    const buyer = await world.referredBuyer(); // signed up through the code: referredBy is set
    buyer.client.cookies.delete("ring_ref"); // the membership is bought later, without the link
    const ref = await buyer.order(5_000, "membership");
    assert.equal((await world.wayforpay({ orderReference: ref, amount: "50.00" })).status, 200);
    const reward = await world.reward(ref);
    assert.equal(reward?.kind, "membership");
    assert.equal(reward?.commissionBps, 2_000);
    assert.equal(reward?.rewardMinor, 1_000);
    assert.equal(reward?.referrerWallet, buyer.referrer.address);
  });

  it("gives no reward, with the reason recorded, to a member nobody referred", async () => {
    const client = world.stack.client();
    await signIn(client);
    const created = await client.post("/api/orders", { amountMinor: 5_000, currency: "USD", kind: "membership" });
    const ref = created.body.orderReference as string;
    assert.equal((await world.wayforpay({ orderReference: ref, amount: "50.00" })).status, 200);
    assert.equal((await world.order(ref)).status, "paid");
    assert.equal(await world.reward(ref), undefined);
    const task = await world.task(ref);
    assert.equal(task?.state, "no_reward");
    assert.equal(task?.reason, "no referral");
  });
});
