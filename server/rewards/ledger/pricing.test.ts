// Acceptance: "A stale, negative or missing price never produces a reward amount", end to end.
// Real PostgreSQL, real anvil with the contracts and MockAggregatorV3 feeds deployed, the real
// server: a referrer creates a code, a buyer arrives through its share link (first-touch cookie),
// signs in, gets credit from an admin and pays an order with it; the ledger hook sizes the reward
// with the currency's price source, set through the admin API. Every bad price leaves the reward
// `pending_price` with no token amount, unpaid by the minter; a fresh answer later sizes it with
// the exact floor arithmetic of money.ts, and the minter pays exactly that amount.
//
// The cases share one stack and run in order: the last one fixes the feeds of the earlier ones.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { asc, eq } from "drizzle-orm";
import { type Address, type Hex, zeroAddress } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { referralRewardsAbi, rewardTokenAbi } from "../../../deployments/abi.ts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../../scripts/lib/clients.ts";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import { rewards, rewardTransitions } from "../../db/schema.ts";
import { deployFeed, latestRound, setAnswer, setRound } from "../../test/feeds.ts";
import { markPaidByFiat } from "../../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../../test/harness.ts";
import { sizePendingRewards } from "./size.ts";
import { createSizer } from "./sizer.ts";

let stack: TestStack;
let admin: TestClient;
let adminWallet: Address;
/** Feeds are deployed and driven from anvil's "alice" account: the deployer and operator keep their nonces. */
let feeds: Clients;

const MAX_AGE_SECONDS = 600;

before(async () => {
  stack = await startTestStack({ env: { COMMISSION_DEFAULT_BPS: "1000", COMMISSION_CAP_BPS: "5000" } });
  admin = stack.client();
  const deployer = privateKeyToAccount(anvilKeys.deployer);
  adminWallet = deployer.address;
  await signIn(admin, deployer);
  feeds = await connect(stack.anvil.rpcUrl, anvilKeys.alice);
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;
const chain = () => stack.server.deps.chain;

// ---------------------------------------------------------------- chain helpers

async function chainNow(): Promise<bigint> {
  return (await feeds.publicClient.getBlock()).timestamp;
}

async function paymentOf(orderRef: Hex) {
  const [referrer, amount] = await feeds.publicClient.readContract({
    address: chain().deployment.proxy,
    abi: referralRewardsAbi,
    functionName: "paymentOf",
    args: [orderRef],
  });
  return { referrer, amount };
}

const tokenBalance = (wallet: Address) =>
  feeds.publicClient.readContract({
    address: chain().deployment.token,
    abi: rewardTokenAbi,
    functionName: "balanceOf",
    args: [wallet],
  });

// ---------------------------------------------------------------- API helpers

async function putPriceSource(currency: string, body: { kind: "aggregator"; feed: Address; maxAgeSeconds?: number }) {
  const response = await admin.request("PUT", `/api/admin/price-sources/${currency}`, { json: body });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body, {
    currency,
    kind: "aggregator",
    feed: body.feed,
    maxAgeSeconds: body.maxAgeSeconds ?? 3_600,
  });
}

interface Purchase {
  referrer: TestClient;
  referrerAccount: PrivateKeyAccount;
  code: string;
  orderReference: string;
  orderRef: Hex;
}

/** A referrer with a new code, and a first-time buyer who arrived through its share link. */
async function referredBuyer() {
  const referrerAccount = newAccount();
  const referrer = stack.client();
  await signIn(referrer, referrerAccount);
  const created = await referrer.post("/api/refcodes", {});
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const code = created.body.code as string;
  assert.equal(created.body.wallet, referrerAccount.address);

  const buyer = stack.client();
  const landing = await buyer.get(`/r/${code}`);
  assert.equal(landing.status, 200);
  assert.equal(buyer.cookies.get("ring_ref"), code, "the share link sets the first-touch cookie");
  const { session } = await signIn(buyer);
  return { referrer, referrerAccount, code, buyer, buyerUserId: session.userId };
}

/** A buyer creates an order through the API and pays it with internal credit granted by the admin. */
async function creditPurchase(currency: string, amountMinor: number): Promise<Purchase> {
  const { referrer, referrerAccount, code, buyer, buyerUserId } = await referredBuyer();
  const grant = await admin.post("/api/admin/credit/grants", { userId: buyerUserId, currency, amountMinor });
  assert.equal(grant.status, 201, JSON.stringify(grant.body));
  const order = await buyer.post("/api/orders", { amountMinor, currency });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  assert.equal(order.body.referral.attribution, "accepted");
  assert.equal(order.body.referral.code, code);
  assert.equal(order.body.referral.referrerWallet, referrerAccount.address);
  const orderReference = order.body.orderReference as string;
  const paid = await buyer.post(`/api/orders/${orderReference}/pay-with-credit`);
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  assert.equal(paid.body.status, "paid");
  assert.equal(paid.body.rail, "crypto");
  return { referrer, referrerAccount, code, orderReference, orderRef: orderRefOf(orderReference) };
}

/**
 * A fiat order: created through the API; the server has no HTTP route that marks an order paid by
 * fiat, so it is marked paid here and handed to the server's own order-paid hook (the real ledger).
 */
async function fiatPurchase(currency: string, amountMinor: number): Promise<Purchase> {
  const { referrer, referrerAccount, code, buyer } = await referredBuyer();
  const order = await buyer.post("/api/orders", { amountMinor, currency });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  assert.equal(order.body.referral.attribution, "accepted");
  const orderReference = order.body.orderReference as string;
  await stack.server.deps.rewards.onOrderPaid(await markPaidByFiat(db(), orderReference));
  return { referrer, referrerAccount, code, orderReference, orderRef: orderRefOf(orderReference) };
}

/** The purchase's reward as its referrer sees it in GET /api/rewards (exactly one). */
async function myReward(purchase: Purchase) {
  const list = await purchase.referrer.get("/api/rewards");
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.rewards.length, 1, "the referrer has exactly one reward");
  const reward = list.body.rewards[0];
  assert.equal(reward.orderReference, purchase.orderReference);
  return reward;
}

const transitionsOf = async (rewardId: string) =>
  (
    await db()
      .select()
      .from(rewardTransitions)
      .where(eq(rewardTransitions.rewardId, rewardId))
      .orderBy(asc(rewardTransitions.id))
  ).map((t) => [t.fromState, t.toState, t.actor]);

async function mintNow() {
  const run = await admin.post("/api/admin/mint");
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.ran, true);
  return run.body as { sized: number; minted: number; failed: number; reconciled: number; batches: { size: number }[] };
}

/**
 * The reward of a purchase whose price was refused: visible as pending_price with no amount and
 * no price; an admin approve does not make it payable; "mint now" pays nothing for it.
 */
async function assertPendingAndUnpaid(
  purchase: Purchase,
  expected: {
    currency: string;
    rewardMinor: number;
    state: "approved" | "pending_approval";
    sizingError: string | RegExp;
  },
) {
  const reward = await myReward(purchase);
  assert.equal(reward.state, expected.state);
  assert.equal(reward.sizing, "pending_price");
  assert.equal(reward.tokenAmount, null);
  assert.equal(reward.price, null);
  assert.equal(reward.currency, expected.currency);
  assert.equal(reward.rewardMinor, expected.rewardMinor);
  assert.equal(reward.referrerWallet, purchase.referrerAccount.address);
  assert.equal(reward.orderRef, purchase.orderRef);
  if (typeof expected.sizingError === "string") assert.equal(reward.sizingError, expected.sizingError);
  else assert.match(reward.sizingError ?? "", expected.sizingError);

  // The admin queue lists it among the rewards waiting for a price.
  const queue = await admin.get(`/api/admin/rewards?sizing=pending_price&referrer=${purchase.referrerAccount.address}`);
  assert.equal(queue.status, 200);
  assert.deepEqual(
    queue.body.rewards.map((r: { id: string }) => r.id),
    [reward.id],
  );

  const approve = await admin.post("/api/admin/rewards/approve", { ids: [reward.id] });
  assert.equal(approve.status, 200, JSON.stringify(approve.body));
  if (expected.state === "approved") {
    // Credit rewards are approved at once; approving again moves nothing.
    assert.deepEqual(approve.body, { moved: [], unchanged: [reward.id] });
  } else {
    assert.equal(approve.body.moved.length, 1);
    assert.equal(approve.body.moved[0].state, "approved");
    assert.equal(approve.body.moved[0].sizing, "pending_price");
    assert.equal(approve.body.moved[0].tokenAmount, null);
  }

  const run = await mintNow();
  assert.equal(run.minted, 0);
  assert.equal(run.failed, 0);
  assert.deepEqual(run.batches, []);

  const after = await myReward(purchase);
  assert.equal(after.state, "approved");
  assert.equal(after.sizing, "pending_price");
  assert.equal(after.tokenAmount, null);
  assert.equal(after.txHash, null);
  assert.equal(after.mintedAt, null);
  assert.deepEqual(await paymentOf(purchase.orderRef), { referrer: zeroAddress, amount: 0n });
  assert.equal(await tokenBalance(purchase.referrerAccount.address), 0n);
  const expectedLog: unknown[][] =
    expected.state === "approved"
      ? [[null, "approved", "system:order-paid"]]
      : [
          [null, "pending_approval", "system:order-paid"],
          ["pending_approval", "approved", `admin:${adminWallet}`],
        ];
  assert.deepEqual(await transitionsOf(reward.id), expectedLog, "never claimed by the minter");
  return reward.id as string;
}

// ---------------------------------------------------------------- the cases

interface Waiting {
  purchase: Purchase;
  currency: string;
  rewardMinor: number;
  /** Makes the price good again: returns the price the reward must be sized with. */
  fix(): Promise<{ answer: bigint; decimals: number; feed: Address; roundId: bigint; updatedAt: bigint }>;
  /** floor(rewardMinor × 10^18 × 10^feedDecimals / (10^exponent × answer)), computed by hand. */
  expectedTokenAmount: bigint;
}
const waiting: Waiting[] = [];

describe("a bad or missing price never produces a reward amount", () => {
  it("sizes and pays a reward at once when the feed is fresh (control)", async () => {
    const feed = await deployFeed(feeds, 299_999_999n); // 2.99999999 USD per token
    await putPriceSource("USD", { kind: "aggregator", feed, maxAgeSeconds: MAX_AGE_SECONDS });
    const purchase = await creditPurchase("USD", 10_000); // 100.00 USD → 10.00 USD reward
    const reward = await myReward(purchase);
    assert.equal(reward.state, "approved");
    assert.equal(reward.sizing, "sized");
    assert.equal(reward.sizingError, null);
    assert.equal(reward.rewardMinor, 1_000);
    // floor(1000 × 10^18 × 10^8 / (10^2 × 299 999 999))
    assert.equal(reward.tokenAmount, "3333333344444444481");
    assert.equal(reward.price.answer, "299999999");
    assert.equal(reward.price.decimals, 8);
    assert.equal(reward.price.source, `aggregator:${feed}`);
    assert.equal(reward.price.round, "1");

    const run = await mintNow();
    assert.equal(run.minted, 1);
    assert.deepEqual(await paymentOf(purchase.orderRef), {
      referrer: purchase.referrerAccount.address,
      amount: 3_333_333_344_444_444_481n,
    });
    assert.equal(await tokenBalance(purchase.referrerAccount.address), 3_333_333_344_444_444_481n);
    assert.equal((await myReward(purchase)).state, "minted");
  });

  it("1. a stale answer (older than the source's maximum age) leaves the reward pending_price, unpaid", async () => {
    const feed = await deployFeed(feeds, 92_000_000n, 8, "RCR / EUR");
    const now = await chainNow();
    const old = now - 3_600n;
    await setRound(feeds, feed, {
      roundId: 2n,
      answer: 92_100_000n,
      startedAt: old,
      updatedAt: old,
      answeredInRound: 2n,
    });
    await putPriceSource("EUR", { kind: "aggregator", feed, maxAgeSeconds: MAX_AGE_SECONDS });

    const stale = new RegExp(
      `^price unavailable \\(stale\\) for EUR: feed ${feed}: round 2 was updated (3[6-9]\\d\\d|4\\d\\d\\d)s ago, ` +
        `more than the maximum age of ${MAX_AGE_SECONDS}s$`,
    );
    const fix = async () => {
      const { roundId, updatedAt } = await setAnswer(feeds, feed, 92_345_678n); // 0.92345678 EUR per token
      return { answer: 92_345_678n, decimals: 8, feed, roundId, updatedAt };
    };

    // Paid with credit: approved at once, but never payable without a size.
    const credit = await creditPurchase("EUR", 12_345); // 123.45 EUR → 12.34 EUR reward (rounded down)
    await assertPendingAndUnpaid(credit, {
      currency: "EUR",
      rewardMinor: 1_234,
      state: "approved",
      sizingError: stale,
    });
    waiting.push({
      purchase: credit,
      currency: "EUR",
      rewardMinor: 1_234,
      fix,
      expectedTokenAmount: 13_362_834_371_089_895_511n, // floor(1234 × 10^26 / (10^2 × 92 345 678))
    });

    // Paid by fiat: pending_approval; the admin's approval does not make it payable either.
    const fiat = await fiatPurchase("EUR", 5_000); // 50.00 EUR → 5.00 EUR
    await assertPendingAndUnpaid(fiat, {
      currency: "EUR",
      rewardMinor: 500,
      state: "pending_approval",
      sizingError: stale,
    });
    waiting.push({
      purchase: fiat,
      currency: "EUR",
      rewardMinor: 500,
      fix: async () => ({ ...(await latestRound(feeds, feed)), answer: 92_345_678n, decimals: 8, feed }),
      expectedTokenAmount: 5_414_438_562_029_941_455n, // floor(500 × 10^26 / (10^2 × 92 345 678))
    });
  });

  it("2. a negative answer leaves the reward pending_price, unpaid", async () => {
    // An 18-decimal feed, to check the price's decimals are taken from the feed.
    const feed = await deployFeed(feeds, 790_000_000_000_000_000n, 18, "RCR / GBP");
    await putPriceSource("GBP", { kind: "aggregator", feed, maxAgeSeconds: MAX_AGE_SECONDS });
    await setAnswer(feeds, feed, -791_234_567_890_123_456n); // round 2, fresh, negative
    const purchase = await creditPurchase("GBP", 7_777);
    await assertPendingAndUnpaid(purchase, {
      currency: "GBP",
      rewardMinor: 777,
      state: "approved",
      sizingError: `price unavailable (non_positive) for GBP: feed ${feed}: round 2 answered -791234567890123456`,
    });
    waiting.push({
      purchase,
      currency: "GBP",
      rewardMinor: 777,
      fix: async () => {
        const { roundId, updatedAt } = await setAnswer(feeds, feed, 791_234_567_890_123_457n);
        return { answer: 791_234_567_890_123_457n, decimals: 18, feed, roundId, updatedAt };
      },
      expectedTokenAmount: 9_820_096_739_098_737_508n, // floor(777 × 10^36 / (10^2 × 791 234 567 890 123 457))
    });
  });

  it("3. a zero answer leaves the reward pending_price, unpaid", async () => {
    const feed = await deployFeed(feeds, 88_000_000n, 8, "RCR / CHF");
    await putPriceSource("CHF", { kind: "aggregator", feed, maxAgeSeconds: MAX_AGE_SECONDS });
    await setAnswer(feeds, feed, 0n);
    const purchase = await creditPurchase("CHF", 3_333);
    await assertPendingAndUnpaid(purchase, {
      currency: "CHF",
      rewardMinor: 333,
      state: "approved",
      sizingError: `price unavailable (non_positive) for CHF: feed ${feed}: round 2 answered 0`,
    });
    waiting.push({
      purchase,
      currency: "CHF",
      rewardMinor: 333,
      fix: async () => {
        const { roundId, updatedAt } = await setAnswer(feeds, feed, 88_888_888n);
        return { answer: 88_888_888n, decimals: 8, feed, roundId, updatedAt };
      },
      expectedTokenAmount: 3_746_250_037_462_500_374n, // floor(333 × 10^26 / (10^2 × 88 888 888))
    });
  });

  it("4. an incomplete round (answeredInRound < roundId) leaves the reward pending_price, unpaid", async () => {
    const feed = await deployFeed(feeds, 15_000_000_000n, 8, "RCR / JPY");
    await putPriceSource("JPY", { kind: "aggregator", feed, maxAgeSeconds: MAX_AGE_SECONDS });
    const now = await chainNow();
    // Round 3 carries round 2's answer: a positive, fresh answer from an incomplete round.
    await setRound(feeds, feed, {
      roundId: 3n,
      answer: 15_100_000_000n,
      startedAt: now,
      updatedAt: now,
      answeredInRound: 2n,
    });
    const purchase = await creditPurchase("JPY", 9_999); // JPY has no minor units: 999 JPY reward
    await assertPendingAndUnpaid(purchase, {
      currency: "JPY",
      rewardMinor: 999,
      state: "approved",
      sizingError:
        `price unavailable (incomplete_round) for JPY: feed ${feed}: ` +
        `round 3 is incomplete (updatedAt ${now}, answeredInRound 2)`,
    });
    waiting.push({
      purchase,
      currency: "JPY",
      rewardMinor: 999,
      fix: async () => {
        const { roundId, updatedAt } = await setAnswer(feeds, feed, 15_012_345_678n); // round 4
        assert.equal(roundId, 4n);
        return { answer: 15_012_345_678n, decimals: 8, feed, roundId, updatedAt };
      },
      expectedTokenAmount: 6_654_523_026_764_531_980n, // floor(999 × 10^26 / (10^0 × 15 012 345 678))
    });
  });

  it("5. no price source for the currency leaves the reward pending_price, unpaid", async () => {
    const purchase = await creditPurchase("CAD", 4_321);
    await assertPendingAndUnpaid(purchase, {
      currency: "CAD",
      rewardMinor: 432,
      state: "approved",
      sizingError: "price unavailable (no_source) for CAD: no price source is configured",
    });
    waiting.push({
      purchase,
      currency: "CAD",
      rewardMinor: 432,
      fix: async () => {
        const feed = await deployFeed(feeds, 137_000_001n, 8, "RCR / CAD");
        await putPriceSource("CAD", { kind: "aggregator", feed, maxAgeSeconds: MAX_AGE_SECONDS });
        return { ...(await latestRound(feeds, feed)), answer: 137_000_001n, decimals: 8, feed };
      },
      expectedTokenAmount: 3_153_284_648_516_170_448n, // floor(432 × 10^26 / (10^2 × 137 000 001))
    });
  });

  it("5b. an aggregator source whose feed is not a contract leaves the reward pending_price, unpaid", async () => {
    const missing = "0x000000000000000000000000000000000000dEaD" as Address;
    await putPriceSource("AUD", { kind: "aggregator", feed: missing, maxAgeSeconds: MAX_AGE_SECONDS });
    const purchase = await creditPurchase("AUD", 2_468);
    await assertPendingAndUnpaid(purchase, {
      currency: "AUD",
      rewardMinor: 246,
      state: "approved",
      sizingError: new RegExp(`^price unavailable \\(unreachable\\) for AUD: feed ${missing}: could not read the feed`),
    });
    waiting.push({
      purchase,
      currency: "AUD",
      rewardMinor: 246,
      fix: async () => {
        const feed = await deployFeed(feeds, 155_555_555n, 8, "RCR / AUD");
        await putPriceSource("AUD", { kind: "aggregator", feed, maxAgeSeconds: MAX_AGE_SECONDS });
        return { ...(await latestRound(feeds, feed)), answer: 155_555_555n, decimals: 8, feed };
      },
      expectedTokenAmount: 1_581_428_577_076_530_632n, // floor(246 × 10^26 / (10^2 × 155 555 555))
    });
  });

  it("6. a fresh answer later sizes every waiting reward exactly, and the minter pays exactly that", async () => {
    assert.equal(waiting.length, 7, "the earlier cases left their rewards waiting");
    const sizer = createSizer(db(), chain());
    assert.equal(await sizer.tokenDecimals(), 18);

    // While the prices are still bad, the sizer sizes nothing and records why.
    assert.equal(await sizePendingRewards(db(), sizer), 0);
    for (const { purchase } of waiting) {
      const reward = await myReward(purchase);
      assert.equal(reward.sizing, "pending_price");
      assert.equal(reward.tokenAmount, null);
      assert.match(reward.sizingError, /^price unavailable \(/);
    }

    const prices: Awaited<ReturnType<Waiting["fix"]>>[] = [];
    for (const entry of waiting) prices.push(await entry.fix());

    // Every minter run sizes what waits for a price before it claims anything.
    const run = await mintNow();
    assert.equal(run.sized, waiting.length);
    assert.equal(run.minted, waiting.length);
    assert.equal(run.failed, 0);
    assert.deepEqual(
      run.batches.map((b) => b.size),
      [waiting.length],
    );
    assert.equal(await sizePendingRewards(db(), sizer), 0, "sizing is done once");

    const wei = new Map<string, bigint>();
    for (const [i, entry] of waiting.entries()) {
      const price = prices[i]!;
      const reward = await myReward(entry.purchase);
      assert.equal(reward.state, "minted");
      assert.equal(reward.sizing, "sized");
      assert.equal(reward.sizingError, null);
      assert.equal(reward.rewardMinor, entry.rewardMinor);
      assert.equal(reward.tokenAmount, entry.expectedTokenAmount.toString(), entry.currency);
      assert.deepEqual(reward.price, {
        answer: price.answer.toString(),
        decimals: price.decimals,
        source: `aggregator:${price.feed}`,
        round: price.roundId.toString(),
        at: new Date(Number(price.updatedAt) * 1000).toISOString(),
      });
      wei.set(entry.purchase.orderReference, entry.expectedTokenAmount);
    }

    for (const entry of waiting) {
      const amount = wei.get(entry.purchase.orderReference)!;
      assert.deepEqual(await paymentOf(entry.purchase.orderRef), {
        referrer: entry.purchase.referrerAccount.address,
        amount,
      });
      assert.equal(await tokenBalance(entry.purchase.referrerAccount.address), amount);
      const reward = await myReward(entry.purchase);
      assert.equal(reward.state, "minted");
      assert.match(reward.txHash, /^0x[0-9a-f]{64}$/);
      const [row] = await db().select().from(rewards).where(eq(rewards.id, reward.id));
      assert.equal(row!.tokenAmount, amount.toString());
    }
  });
});
