import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { asc, eq, sql } from "drizzle-orm";
import { keccak256, toBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import { orders, rewards, rewardTransitions, deskRates, priceSources, users } from "../../db/schema.ts";
import { insertCode, markPaidByFiat } from "../../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../../test/harness.ts";
import { createRewardForOrder, type LedgerSettings } from "./create.ts";
import { sizePendingRewards } from "./size.ts";
import { createSizer } from "./sizer.ts";
import { transitionRewards } from "./transition.ts";

let stack: TestStack;
let admin: TestClient;
let settings: LedgerSettings;

// 1 token = 2.50 USD (8 decimals, like Chainlink's USD feeds)
const USD_PRICE = { answer: 250_000_000n, decimals: 8 };

before(async () => {
  stack = await startTestStack({ env: { COMMISSION_DEFAULT_BPS: "1000", FIAT_AUTO_APPROVE_HOURS: "24" } });
  admin = stack.client();
  await signIn(admin, privateKeyToAccount(anvilKeys.deployer));
  const db = stack.server.deps.db;
  await db.insert(priceSources).values({ currency: "USD", kind: "desk", updatedBy: "test" });
  await db
    .insert(deskRates)
    .values({ currency: "USD", answer: USD_PRICE.answer.toString(), decimals: USD_PRICE.decimals, setBy: "test" });
  const { deployment } = stack.server.deps.chain;
  settings = {
    program: stack.server.deps.config.commission,
    fiatAutoApproveSeconds: 24 * 3600,
    token: deployment.token,
    chainId: deployment.chainId,
  };
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;
const rewardOf = async (orderReference: string) =>
  (await db().select().from(rewards).where(eq(rewards.orderReference, orderReference)))[0];
const transitionsOf = async (rewardId: string) =>
  db()
    .select()
    .from(rewardTransitions)
    .where(eq(rewardTransitions.rewardId, rewardId))
    .orderBy(asc(rewardTransitions.id));

/** A buyer who arrived through a fresh code, with credit to pay `amountMinor` in `currency`. */
async function referredBuyer(amountMinor: number, currency = "USD") {
  const referrer = newAccount();
  const code = await insertCode(db(), referrer.address);
  const client = stack.client();
  client.cookies.set("ring_ref", code.code);
  const { session } = await signIn(client);
  await admin.post("/api/admin/credit/grants", { userId: session.userId, currency, amountMinor });
  return { client, code, referrer, buyerUserId: session.userId };
}

async function paidOrder(client: TestClient, body: Record<string, unknown>) {
  const created = await client.post("/api/orders", body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const paid = await client.post(`/api/orders/${created.body.orderReference}/pay-with-credit`);
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  return created.body.orderReference as string;
}

describe("reward ledger", () => {
  it("creates an approved, sized reward when an order is paid with credit", async () => {
    const { client, code, referrer, buyerUserId } = await referredBuyer(10_000);
    const ref = await paidOrder(client, { amountMinor: 10_000, currency: "USD" });
    const reward = await rewardOf(ref);
    assert.ok(reward, "a reward exists");
    assert.equal(reward.state, "approved");
    assert.equal(reward.rail, "crypto");
    assert.equal(reward.orderRef, orderRefOf(ref));
    assert.equal(reward.referrerUserId, code.userId);
    assert.equal(reward.referrerWallet, referrer.address);
    assert.equal(reward.refereeUserId, buyerUserId);
    assert.equal(reward.commissionBps, 1000);
    assert.equal(reward.rewardMinor, 1000); // 10 % of 100.00 USD = 10.00 USD
    assert.equal(reward.sizing, "sized");
    assert.equal(reward.tokenAmount, (4n * 10n ** 18n).toString()); // 10.00 USD at 2.50 USD per token
    assert.equal(reward.priceSource, "desk");
    assert.equal(reward.priceAnswer, USD_PRICE.answer.toString());
    assert.equal(reward.token, stack.server.deps.chain.deployment.token);
    const transitions = await transitionsOf(reward.id);
    assert.deepEqual(
      transitions.map((t) => [t.fromState, t.toState, t.actor]),
      [[null, "approved", "system:order-paid"]],
    );
  });

  it("weights per-item commission by the cart and rounds down", async () => {
    const { client } = await referredBuyer(10_000);
    const ref = await paidOrder(client, {
      currency: "USD",
      lineItems: [
        { sku: "a", quantity: 3, unitAmountMinor: 333, commissionBps: 2500 }, // 999 × 25 % = 249.75
        { sku: "b", quantity: 1, unitAmountMinor: 1001 }, // default 10 % = 100.1
      ],
    });
    const reward = await rewardOf(ref);
    assert.equal(reward!.rewardMinor, 349); // floor(249.75 + 100.1)
  });

  it("creates no reward for a rejected or missing attribution", async () => {
    const client = stack.client();
    client.cookies.set("ring_ref", "NOSUCHCODE");
    const { session } = await signIn(client);
    await admin.post("/api/admin/credit/grants", { userId: session.userId, currency: "USD", amountMinor: 500 });
    const ref = await paidOrder(client, { amountMinor: 500, currency: "USD" });
    assert.equal(await rewardOf(ref), undefined);
    const [order] = await db().select().from(orders).where(eq(orders.orderReference, ref));
    assert.equal(order!.attributionReason, "unknown_code");
  });

  it("waits in pending_price without a price, and is sized once one exists", async () => {
    const { client } = await referredBuyer(2_000, "EUR");
    const ref = await paidOrder(client, { amountMinor: 2_000, currency: "EUR" });
    const waiting = await rewardOf(ref);
    assert.equal(waiting!.sizing, "pending_price");
    assert.equal(waiting!.tokenAmount, null);
    assert.match(waiting!.sizingError ?? "", /EUR/);

    await db().insert(priceSources).values({ currency: "EUR", kind: "desk", updatedBy: "test" });
    await db().insert(deskRates).values({ currency: "EUR", answer: "200", decimals: 2, setBy: "test" }); // 2.00 EUR
    const sizer = createSizer(db(), stack.server.deps.chain);
    assert.ok((await sizePendingRewards(db(), sizer)) >= 1);
    const sized = await rewardOf(ref);
    assert.equal(sized!.sizing, "sized");
    assert.equal(sized!.tokenAmount, (1n * 10n ** 18n).toString()); // 2.00 EUR at 2.00 EUR per token
    assert.equal(sized!.priceSource, "desk");
  });

  it("re-records a waiting currency's reason in one pass only when it changes", async () => {
    const refs: string[] = [];
    for (const amountMinor of [1_000, 3_000]) {
      const { client } = await referredBuyer(amountMinor, "CHF");
      refs.push(await paidOrder(client, { amountMinor, currency: "CHF" }));
    }
    // xmin changes with every UPDATE of a row, even one that writes the same values.
    const versions = async () => {
      const { rows } = await db().execute<{ order_reference: string; xmin: string; sizing_error: string }>(
        sql`select order_reference, xmin::text, sizing_error from rewards where currency = 'CHF' order by base_amount_minor`,
      );
      assert.deepEqual(
        rows.map((row) => row.order_reference),
        refs,
      );
      return rows;
    };
    const created = await versions();
    for (const row of created) assert.match(row.sizing_error, /^price unavailable \(no_source\) for CHF/);

    const sizer = createSizer(db(), stack.server.deps.chain);
    await sizePendingRewards(db(), sizer);
    assert.deepEqual(await versions(), created, "the same reason again: the rows are not written");

    await db().insert(priceSources).values({ currency: "CHF", kind: "desk", updatedBy: "test" });
    await sizePendingRewards(db(), sizer);
    const noRate = await versions();
    for (const [i, row] of noRate.entries()) {
      assert.equal(row.sizing_error, "price unavailable (no_rate) for CHF: no desk rate is set");
      assert.notEqual(row.xmin, created[i]!.xmin);
    }

    await db().insert(deskRates).values({ currency: "CHF", answer: "50", decimals: 2, setBy: "test" }); // 0.50 CHF
    assert.ok((await sizePendingRewards(db(), sizer)) >= 2);
    for (const [i, ref] of refs.entries()) {
      const reward = await rewardOf(ref);
      assert.equal(reward!.sizing, "sized");
      assert.equal(reward!.sizingError, null);
      assert.equal(reward!.tokenAmount, ((i === 0 ? 2n : 6n) * 10n ** 18n).toString()); // 1.00 / 3.00 CHF at 0.50
    }
  });

  it("puts fiat rewards in pending_approval with the auto-approve time, once per order under races", async () => {
    const { client } = await referredBuyer(0);
    const created = await client.post("/api/orders", { amountMinor: 3_000, currency: "USD" });
    const ref = created.body.orderReference as string;
    const order = await markPaidByFiat(db(), ref);
    const sizer = createSizer(db(), stack.server.deps.chain);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => createRewardForOrder(db(), sizer, settings, order)),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    const ids = new Set(results.map((r) => r.reward?.id));
    assert.equal(ids.size, 1);
    const reward = await rewardOf(ref);
    assert.equal(reward!.state, "pending_approval");
    const hours = (reward!.approveAfter!.getTime() - reward!.createdAt.getTime()) / 3_600_000;
    assert.ok(Math.abs(hours - 24) < 0.01, `approveAfter is 24 h later (${hours})`);
    assert.equal((await transitionsOf(reward!.id)).length, 1);
  });

  it("keys a hex-looking order reference by its text, as paidOrders and the audit do", async () => {
    const { client } = await referredBuyer(0);
    const created = await client.post("/api/orders", { amountMinor: 3_000, currency: "USD" });
    const hexLooking = `0x${randomBytes(6).toString("hex")}`; // host platforms may send such references
    await db()
      .update(orders)
      .set({ orderReference: hexLooking })
      .where(eq(orders.orderReference, created.body.orderReference));
    const order = await markPaidByFiat(db(), hexLooking);
    const { reward } = await createRewardForOrder(db(), createSizer(db(), stack.server.deps.chain), settings, order);
    assert.equal(reward!.orderRef, orderRefOf(hexLooking));
    assert.notEqual(reward!.orderRef, keccak256(toBytes(hexLooking)), "not read as raw bytes");
  });

  it("changes state only along allowed transitions, each with an audit row", async () => {
    const { client } = await referredBuyer(0);
    const created = await client.post("/api/orders", { amountMinor: 800, currency: "USD" });
    const order = await markPaidByFiat(db(), created.body.orderReference);
    const { reward } = await createRewardForOrder(db(), createSizer(db(), stack.server.deps.chain), settings, order);
    const id = reward!.id;
    assert.deepEqual(await transitionRewards(db(), { ids: [id], to: "minted", actor: "test" }), []);
    const approved = await transitionRewards(db(), {
      ids: [id],
      to: "approved",
      actor: "admin:0xabc",
      reason: "looks fine",
    });
    assert.equal(approved.length, 1);
    assert.equal(approved[0]!.state, "approved");
    assert.deepEqual(await transitionRewards(db(), { ids: [id], to: "approved", actor: "again" }), []);
    const log = await transitionsOf(id);
    assert.deepEqual(
      log.map((t) => [t.fromState, t.toState, t.actor, t.reason]),
      [
        [null, "pending_approval", "system:order-paid", "fiat: awaiting approval"],
        ["pending_approval", "approved", "admin:0xabc", "looks fine"],
      ],
    );
  });
});

// Issue 4 §1–2: a paid membership rewards the buyer's sign-up referrer (`referredBy`) at the
// membership rate, through the real ledger behind the order-paid hook.
describe("membership rewards", () => {
  it("pays the sign-up referrer at the membership rate when a membership is paid with credit", async () => {
    const referrer = newAccount();
    const code = await insertCode(db(), referrer.address);
    const client = stack.client();
    client.cookies.set("ring_ref", code.code);
    const { session } = await signIn(client); // first sign-in with the cookie: sign-up attribution
    const [user] = await db().select().from(users).where(eq(users.id, session.userId));
    assert.equal(user!.signupAttribution, "accepted");
    assert.equal(user!.referredByUserId, code.userId);
    assert.equal(user!.referredByCodeId, code.id);
    // Without the cookie the membership can only be attributed through referredBy.
    client.cookies.delete("ring_ref");
    await admin.post("/api/admin/credit/grants", { userId: session.userId, currency: "USD", amountMinor: 5_000 });

    const ref = await paidOrder(client, { kind: "membership", amountMinor: 5_000, currency: "USD" });
    const reward = await rewardOf(ref);
    assert.ok(reward, "a reward exists");
    assert.equal(reward.kind, "membership");
    assert.equal(reward.state, "approved");
    assert.equal(reward.referrerUserId, user!.referredByUserId);
    assert.equal(reward.referrerWallet, referrer.address);
    assert.equal(reward.referralCode, code.code);
    assert.equal(reward.refereeUserId, session.userId);
    assert.equal(stack.server.deps.config.commission.membershipBps, 2000); // COMMISSION_MEMBERSHIP_BPS default
    assert.equal(reward.commissionBps, 2000);
    assert.equal(reward.baseAmountMinor, 5_000);
    assert.equal(reward.rewardMinor, 1_000); // 20 % of 50.00 USD = 10.00 USD
    assert.equal(reward.sizing, "sized");
    assert.equal(reward.tokenAmount, (4n * 10n ** 18n).toString()); // 10.00 USD at 2.50 USD per token
  });

  it("creates no membership reward for a user without referredBy", async () => {
    const client = stack.client();
    const { session } = await signIn(client); // no first-touch cookie: no sign-up referrer
    const [user] = await db().select().from(users).where(eq(users.id, session.userId));
    assert.equal(user!.referredByUserId, null);
    await admin.post("/api/admin/credit/grants", { userId: session.userId, currency: "USD", amountMinor: 5_000 });

    const ref = await paidOrder(client, { kind: "membership", amountMinor: 5_000, currency: "USD" });
    const [order] = await db().select().from(orders).where(eq(orders.orderReference, ref));
    assert.equal(order!.status, "paid");
    assert.equal(order!.attribution, "none");
    assert.equal(await rewardOf(ref), undefined);
  });
});
