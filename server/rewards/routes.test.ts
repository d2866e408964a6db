import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { rewards, rewardTransitions } from "../db/schema.ts";
import { insertCode, markPaidByFiat } from "../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import { approveDueRewards } from "./ledger/approve.ts";

let stack: TestStack;
let admin: TestClient;
before(async () => {
  stack = await startTestStack({ env: { FIAT_AUTO_APPROVE_HOURS: "1" } });
  admin = stack.client();
  await signIn(admin, privateKeyToAccount(anvilKeys.deployer));
  assert.equal((await admin.request("PUT", "/api/admin/price-sources/USD", { json: { kind: "desk" } })).status, 200);
  const rate = await admin.request("PUT", "/api/admin/desk-rates/USD", { json: { answer: "100", decimals: 2 } });
  assert.equal(rate.status, 200, JSON.stringify(rate.body));
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;

/** A referrer (signed in) and n fiat-paid orders attributed to their code: n pending rewards. */
async function pendingRewards(n: number) {
  const referrerAccount = newAccount();
  const referrer = stack.client();
  await signIn(referrer, referrerAccount);
  const code = await insertCode(db(), referrerAccount.address);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const buyer = stack.client();
    buyer.cookies.set("ring_ref", code.code);
    await signIn(buyer);
    const created = await buyer.post("/api/orders", { amountMinor: 1_000, currency: "USD" });
    const order = await markPaidByFiat(db(), created.body.orderReference);
    await stack.server.deps.rewards.onOrderPaid(order);
    const [reward] = await db().select().from(rewards).where(eq(rewards.orderReference, order.orderReference));
    ids.push(reward!.id);
  }
  return { referrer, ids, wallet: referrerAccount.address };
}

describe("reward approval", () => {
  it("lists the queue for admins only, filtered", async () => {
    const { ids, wallet, referrer } = await pendingRewards(2);
    const queue = await admin.get(`/api/admin/rewards?state=pending_approval&referrer=${wallet}`);
    assert.equal(queue.status, 200);
    assert.deepEqual(queue.body.rewards.map((r: { id: string }) => r.id).sort(), [...ids].sort());
    assert.equal(queue.body.rewards[0].tokenAmount, (1n * 10n ** 18n).toString()); // 10 % of 10.00 at 1.00
    const lowercase = await admin.get(`/api/admin/rewards?state=pending_approval&referrer=${wallet.toLowerCase()}`);
    assert.deepEqual(lowercase.body, queue.body, "the referrer filter takes any case");
    assert.equal((await referrer.get("/api/admin/rewards")).status, 403);
    assert.equal((await stack.client().get("/api/admin/rewards")).status, 401);
    assert.equal((await admin.get("/api/admin/rewards?state=flying")).status, 400);
  });

  it("bulk-approves in one transaction and reports what could not move", async () => {
    const { ids } = await pendingRewards(3);
    const first = await admin.post("/api/admin/rewards/approve", { ids: ids.slice(0, 1) });
    assert.equal(first.body.moved.length, 1);
    const bulk = await admin.post("/api/admin/rewards/approve", { ids });
    assert.equal(bulk.status, 200);
    assert.deepEqual(bulk.body.moved.map((r: { id: string }) => r.id).sort(), ids.slice(1).sort());
    assert.deepEqual(bulk.body.unchanged, ids.slice(0, 1));
    const audit = await db().select().from(rewardTransitions).where(eq(rewardTransitions.rewardId, ids[2]!));
    assert.deepEqual(
      audit.map((t) => [t.fromState, t.toState, t.actor]),
      [
        [null, "pending_approval", "system:order-paid"],
        ["pending_approval", "approved", `admin:${privateKeyToAccount(anvilKeys.deployer).address}`],
      ],
    );
  });

  it("rejects only with a reason, and keeps it in the audit log", async () => {
    const { ids } = await pendingRewards(1);
    const noReason = await admin.post("/api/admin/rewards/reject", { ids });
    assert.equal(noReason.status, 400);
    assert.match(noReason.body.message, /reason/);
    const rejected = await admin.post("/api/admin/rewards/reject", { ids, reason: "self-dealing ring" });
    assert.equal(rejected.body.moved[0].state, "rejected");
    const [last] = (await db().select().from(rewardTransitions).where(eq(rewardTransitions.rewardId, ids[0]!))).slice(
      -1,
    );
    assert.equal(last!.reason, "self-dealing ring");
    const again = await admin.post("/api/admin/rewards/approve", { ids });
    assert.deepEqual(again.body.unchanged, ids);
  });

  it("shows referrers their own rewards only", async () => {
    const mine = await pendingRewards(2);
    const other = await pendingRewards(1);
    const list = await mine.referrer.get("/api/rewards");
    assert.equal(list.status, 200);
    const listed = list.body.rewards.map((r: { id: string }) => r.id);
    assert.deepEqual([...listed].sort(), [...mine.ids].sort());
    assert.ok(!listed.includes(other.ids[0]));
    assert.equal(list.body.rewards[0].state, "pending_approval");
    assert.equal(list.body.rewards[0].txHash, null);
  });

  it("auto-approves fiat rewards once the hold period is over", async () => {
    const { ids } = await pendingRewards(1);
    assert.equal(await approveDueRewards(db(), new Date()), 0);
    const later = new Date(Date.now() + 61 * 60 * 1000);
    assert.ok((await approveDueRewards(db(), later)) >= 1);
    const [reward] = await db().select().from(rewards).where(eq(rewards.id, ids[0]!));
    assert.equal(reward!.state, "approved");
  });

  it("lists price sources and desk rates for admins only", async () => {
    const sources = await admin.get("/api/admin/price-sources");
    assert.equal(sources.status, 200);
    const usd = sources.body.priceSources.find((s: { currency: string }) => s.currency === "USD");
    assert.equal(usd.kind, "desk");
    assert.equal(usd.feed, null);
    assert.equal(usd.maxAgeSeconds, 3600);
    assert.match(usd.updatedBy, /^admin:0x/);
    const rates = await admin.get("/api/admin/desk-rates");
    assert.equal(rates.status, 200);
    const rate = rates.body.deskRates.find((r: { currency: string }) => r.currency === "USD");
    assert.deepEqual([rate.answer, rate.decimals], ["100", 2]);
    assert.ok(!Number.isNaN(Date.parse(rate.setAt)));
    const referrer = stack.client();
    await signIn(referrer);
    assert.equal((await referrer.get("/api/admin/price-sources")).status, 403);
    assert.equal((await stack.client().get("/api/admin/desk-rates")).status, 401);
  });

  it("validates price-source and desk-rate input", async () => {
    const noFeed = await admin.request("PUT", "/api/admin/price-sources/EUR", { json: { kind: "aggregator" } });
    assert.equal(noFeed.status, 400);
    assert.equal(noFeed.body.error, "feed_required");
    const badRate = await admin.request("PUT", "/api/admin/desk-rates/EUR", { json: { answer: "-5", decimals: 2 } });
    assert.equal(badRate.status, 400);
    assert.match(badRate.body.message, /answer/);
    const badCurrency = await admin.request("PUT", "/api/admin/desk-rates/eur", { json: { answer: "5", decimals: 2 } });
    assert.equal(badCurrency.status, 400);
  });
});
