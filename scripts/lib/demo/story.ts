// The demo's history, made through the real APIs as the people involved would make it: referrers
// sign in with Ethereum and share codes, visitors open the links, buyers arrive through them, sign
// up and pay (internal credit, or WayForPay's signed webhook), a payment is declined, orders are
// refunded in full and in part, the admin approves most rewards and rejects a few with reasons,
// the minter pays them on-chain, one paid order is refunded afterwards (a clawback), and the
// indexer catches up. Every run adds fresh buyers and visitors and reuses the referrers' codes,
// so running it again adds history rather than failing.
import { randomBytes } from "node:crypto";
import { type Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import { HttpSession } from "../http-session.ts";
import { orderRefOf } from "../order-ref.ts";
import { testAccount } from "../test-accounts.ts";
import { type SimulatedPayment, simulatedCallback } from "../../../server/dev/wayforpay-callback.ts";
import { buildAcceptance } from "../../../server/payments/wayforpay/acceptance.ts";
import type { DemoTarget } from "./connect.ts";

export type Log = (line: string) => void;

interface Product {
  sku: string;
  name: string;
  unitAmountMinor: number;
  currency: "USD" | "UAH";
  kind?: "membership";
}

const CATALOGUE: Product[] = [
  { sku: "shoes-trail", name: "Trail running shoes", unitAmountMinor: 8900, currency: "USD" },
  { sku: "coffee-1kg", name: "Coffee beans, 1 kg", unitAmountMinor: 65_000, currency: "UAH" },
  { sku: "tee-merino", name: "Merino tee", unitAmountMinor: 3400, currency: "USD" },
  { sku: "mug-ceramic", name: "Ceramic mug", unitAmountMinor: 32_000, currency: "UAH" },
  { sku: "bottle", name: "Water bottle", unitAmountMinor: 1800, currency: "USD" },
];
const MEMBERSHIP: Product = {
  sku: "club-year",
  name: "Club membership",
  unitAmountMinor: 4900,
  currency: "USD",
  kind: "membership",
};

/** Desk rates the demo sets only where the admin has set no price source: tokens per currency unit. */
const DESK_RATES = { USD: { answer: "1", decimals: 0 }, UAH: { answer: "4150", decimals: 2 } } as const;

const REFERRERS = [
  { name: "alice", vanity: "alice", visitors: 36, buyers: 6 },
  { name: "bob", vanity: undefined, visitors: 20, buyers: 4 },
  { name: "carol", vanity: "carol", visitors: 9, buyers: 2 },
] as const;
const UNREFERRED_BUYERS = 2;

const REJECTIONS = [
  "Self-purchase: the buyer ships to the referrer's address",
  "Test order placed by the referrer's colleague",
];

interface Purchase {
  orderReference: string;
  referrer: string | undefined;
  attributed: boolean;
  rail: "credit" | "wayforpay";
  amountMinor: number;
  currency: string;
}

interface Reward {
  id: string;
  orderReference: string;
  state: string;
  rail: string;
  tokenAmount: string | null;
  rewardMinor: number;
  lastError: string | null;
}

export interface DemoResult {
  codes: { referrer: string; code: string; url: string; visitors: number }[];
  buyers: number;
  paidByCredit: number;
  paidByWayForPay: number;
  declined: number;
  unattributed: number;
  refunds: { full: number; partial: number; afterMint: number };
  approved: number;
  rejected: number;
  cancelled: number;
  minted: string[];
  mintedTokens: bigint;
  paidOnChain: number;
  indexed: number;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  for (let at = 0; at < items.length; at += width) await Promise.all(items.slice(at, at + width).map(work));
}

const browser = (label: string) => `Mozilla/5.0 (demo ${label}) AppleWebKit/537.36 Chrome/126 Safari/537.36`;
const yesterday = () => Math.floor(Date.now() / 86_400_000) - 1;

export async function runDemo(target: DemoTarget, log: Log): Promise<DemoResult> {
  const { admin, baseUrl, publicUrl, chainId } = target;
  const signIn = (session: HttpSession, key: Hex) => session.signIn(key, { publicUrl, chainId });

  // Prices: rewards are sized in tokens only once their currency has a price source.
  const { priceSources } = await admin.expect("price sources", admin.get("/api/admin/price-sources"));
  for (const [currency, rate] of Object.entries(DESK_RATES)) {
    if (priceSources.some((source: { currency: string }) => source.currency === currency)) continue;
    await admin.expect(`price source ${currency}`, admin.put(`/api/admin/price-sources/${currency}`, { kind: "desk" }));
    await admin.expect(`desk rate ${currency}`, admin.put(`/api/admin/desk-rates/${currency}`, rate));
    log(`price: ${currency} desk rate ${Number(rate.answer) / 10 ** rate.decimals} per token`);
  }

  // Referrers and their codes: an active code is reused; a vanity one is created once.
  const codes: DemoResult["codes"] = [];
  for (const plan of REFERRERS) {
    const referrer = new HttpSession(baseUrl, browser(plan.name));
    await signIn(referrer, testAccount(plan.name).privateKey);
    const { codes: owned } = await referrer.expect("my codes", referrer.get("/api/refcodes"));
    type Code = { code: string; kind: string; active: boolean; url: string };
    let code = (owned as Code[]).find((candidate) => candidate.active && (!plan.vanity || candidate.kind === "vanity"));
    if (!code) {
      const created = await referrer.post<Code>("/api/refcodes", plan.vanity ? { vanity: plan.vanity } : {});
      code =
        created.status === 201
          ? created.body
          : await referrer.expect<Code>("a generated code", referrer.post("/api/refcodes", {}), 201);
      log(`${plan.name} created the code ${code.code} (${code.kind})`);
    }
    codes.push({ referrer: plan.name, code: code.code, url: code.url, visitors: plan.visitors });
  }

  // Visits: returning browsers (a visitor cookie from yesterday) open the links; the beacon counts
  // one visit per visitor and day, so each is a new visitor.
  const visits = codes.flatMap(({ code, visitors }) => Array.from({ length: visitors }, (_, i) => ({ code, i })));
  await inBatches(visits, 12, async ({ code, i }) => {
    const visitor = new HttpSession(baseUrl, browser(`visitor ${i}`));
    visitor.cookies.set("ring_vid", `${randomBytes(16).toString("base64url")}.${yesterday()}`);
    if (i % 3 === 0) await visitor.get(`/r/${encodeURIComponent(code)}`); // the page itself, now and then
    await visitor.expect(`visit of ${code}`, visitor.post("/api/refcodes/track", { code }), 204);
  });
  log(`visits: ${visits.length} visitors over ${codes.length} codes`);

  // Buyers: through a referral link (or none), sign up, order, pay.
  const plans = [
    ...codes.flatMap(({ referrer, code }) =>
      Array.from({ length: REFERRERS.find((plan) => plan.name === referrer)!.buyers }, (_, i) => ({
        referrer,
        code,
        i,
      })),
    ),
    ...Array.from({ length: UNREFERRED_BUYERS }, (_, i) => ({ referrer: undefined, code: undefined, i })),
  ].map((plan, n) => ({ ...plan, n }));
  const purchases: Purchase[] = [];
  let declined = 0;
  await inBatches(plans, 4, async ({ referrer, code, i, n }) => {
    const buyer = new HttpSession(baseUrl, browser(`buyer ${referrer ?? "direct"} ${i}`));
    if (code) await buyer.get(`/r/${encodeURIComponent(code)}`); // sets the first-touch cookie
    const session = await signIn(buyer, generatePrivateKey());
    const product = referrer === "alice" && i === 1 ? MEMBERSHIP : CATALOGUE[n % CATALOGUE.length]!;
    const quantity = product.kind ? 1 : 1 + (i % 2);
    const order = await buyer.expect(
      "order",
      buyer.post("/api/orders", {
        kind: product.kind ?? "store",
        currency: product.currency,
        lineItems: [{ sku: product.sku, name: product.name, quantity, unitAmountMinor: product.unitAmountMinor }],
      }),
      201,
    );
    const rail = i % 2 === 0 ? "wayforpay" : "credit";
    if (rail === "credit") {
      await admin.expect(
        "credit grant",
        admin.post("/api/admin/credit/grants", {
          userId: session.userId,
          currency: order.currency,
          amountMinor: order.amountMinor,
          note: "demo: store credit",
        }),
        201,
      );
      await buyer.expect("pay with credit", buyer.post(`/api/orders/${order.orderReference}/pay-with-credit`), 200);
    } else {
      const payment = {
        orderReference: order.orderReference,
        amountMinor: order.amountMinor,
        currency: order.currency,
      };
      if (referrer === "bob" && i === 0) {
        // A declined card first: the order stays pending until the second attempt goes through.
        await deliver(target, {
          ...payment,
          transactionStatus: "Declined",
          processedAt: new Date(Date.now() - 60_000),
        });
        declined++;
      }
      await deliver(target, { ...payment, transactionStatus: "Approved" });
    }
    purchases.push({
      orderReference: order.orderReference,
      referrer,
      attributed: order.referral.attribution === "accepted",
      rail,
      amountMinor: order.amountMinor,
      currency: order.currency,
    });
  });
  const attributed = purchases.filter((purchase) => purchase.attributed);
  log(`orders: ${purchases.length} paid (${attributed.length} through a referral), ${declined} declined attempt`);

  // Rewards appear right after each payment's commit.
  const rewardsOf = async () => {
    const { rewards } = await admin.expect<{ rewards: Reward[] }>("rewards", admin.get("/api/admin/rewards?limit=500"));
    const mine = new Map(rewards.map((reward) => [reward.orderReference, reward]));
    return new Map(
      purchases.flatMap((purchase) =>
        mine.has(purchase.orderReference) ? [[purchase.orderReference, mine.get(purchase.orderReference)!]] : [],
      ),
    );
  };
  await until("every referred order's reward", async () => {
    const rewards = await rewardsOf();
    return attributed.every((purchase) => rewards.has(purchase.orderReference)) ? rewards : undefined;
  });

  // Refunds before payout: one in full (the reward is cancelled), one in part (it shrinks).
  const fiat = (name: string) =>
    attributed.filter((purchase) => purchase.referrer === name && purchase.rail === "wayforpay");
  const fullRefund = fiat("alice")[0];
  const partialRefund = fiat("bob").at(-1);
  for (const [purchase, refundMinor] of [
    [fullRefund, undefined],
    [partialRefund, partialRefund ? Math.floor(partialRefund.amountMinor / 2) : 0],
  ] as const) {
    if (!purchase) continue;
    await deliver(target, {
      orderReference: purchase.orderReference,
      amountMinor: purchase.amountMinor,
      currency: purchase.currency,
      transactionStatus: "Refunded",
      ...(refundMinor === undefined ? {} : { refundMinor }),
    });
  }
  if (fullRefund) {
    await until("the refunded order's reward cancelled", async () =>
      (await rewardsOf()).get(fullRefund.orderReference)?.state === "cancelled" ? true : undefined,
    );
  }

  // The admin's review: a few rejected with reasons, the rest approved.
  const pending = [...(await rewardsOf()).values()].filter((reward) => reward.state === "pending_approval");
  const rejected = [pending.find((reward) => reward.rail === "fiat"), pending.at(-1)].filter(
    (reward, index, all): reward is Reward => reward !== undefined && all.indexOf(reward) === index,
  );
  for (const [index, reward] of rejected.entries()) {
    await admin.expect(
      "reject",
      admin.post("/api/admin/rewards/reject", { ids: [reward.id], reason: REJECTIONS[index % REJECTIONS.length] }),
    );
  }
  const toApprove = pending.filter((reward) => !rejected.includes(reward)).map((reward) => reward.id);
  if (toApprove.length > 0) await admin.expect("approve", admin.post("/api/admin/rewards/approve", { ids: toApprove }));
  log(`review: ${toApprove.length} approved, ${rejected.length} rejected`);

  // Payout: the cron route when CRON_SECRET is given, else the admin's "Mint now".
  const mintRun = target.cronSecret
    ? await admin.expect(
        "cron mint",
        admin.get("/api/cron/refcodes-mint", { authorization: `Bearer ${target.cronSecret}` }),
      )
    : await admin.expect("mint now", admin.post("/api/admin/mint"));
  log(
    `mint run: ${mintRun.ran ? `${mintRun.minted} minted in ${mintRun.batches.length} batch(es)` : `skipped (${mintRun.reason})`}`,
  );
  const settled = await until("the approved rewards minted", async () => {
    const rewards = await rewardsOf();
    const open = [...rewards.values()].filter((reward) => ["approved", "minting"].includes(reward.state));
    return open.length === 0 ? rewards : undefined;
  });
  const failed = [...settled.values()].filter((reward) => reward.state === "failed");
  if (failed.length > 0) throw new Error(`minting failed: ${failed.map((reward) => reward.lastError).join("; ")}`);
  const minted = [...settled.values()].filter((reward) => reward.state === "minted");

  // A refund after payout: the referrer owes it back (a clawback, offset from later rewards).
  const clawedBack = attributed.find(
    (purchase) =>
      purchase.rail === "wayforpay" &&
      purchase !== partialRefund &&
      settled.get(purchase.orderReference)?.state === "minted",
  );
  if (clawedBack) {
    await deliver(target, {
      orderReference: clawedBack.orderReference,
      amountMinor: clawedBack.amountMinor,
      currency: clawedBack.currency,
      transactionStatus: "Refunded",
      refundMinor: Math.floor(clawedBack.amountMinor / 4),
    });
  }

  // The proof: paidOrders on-chain, and the indexer's payouts once it has caught up.
  let paidOnChain = 0;
  for (const reward of minted) {
    const paid = await target.chain.readContract({
      address: target.deployment.proxy,
      abi: referralRewardsAbi,
      functionName: "paidOrders",
      args: [orderRefOf(reward.orderReference)],
    });
    if (paid) paidOnChain++;
  }
  const indexed = target.indexerUrl ? await indexedPayouts(target.indexerUrl, minted) : 0;
  log(`on-chain: ${paidOnChain} orders paid; indexer: ${indexed} payouts`);

  const finalStates = [...(await rewardsOf()).values()];
  return {
    codes,
    buyers: plans.length,
    paidByCredit: purchases.filter((purchase) => purchase.rail === "credit").length,
    paidByWayForPay: purchases.filter((purchase) => purchase.rail === "wayforpay").length,
    declined,
    unattributed: purchases.length - attributed.length,
    refunds: { full: fullRefund ? 1 : 0, partial: partialRefund ? 1 : 0, afterMint: clawedBack ? 1 : 0 },
    approved: toApprove.length,
    rejected: rejected.length,
    cancelled: finalStates.filter((reward) => reward.state === "cancelled").length,
    minted: minted.map((reward) => reward.orderReference),
    mintedTokens: minted.reduce((sum, reward) => sum + BigInt(reward.tokenAmount ?? 0), 0n),
    paidOnChain,
    indexed,
  };
}

/** Plays WayForPay: posts a signed serviceUrl callback and checks the signed acceptance. */
async function deliver(target: DemoTarget, payment: SimulatedPayment): Promise<void> {
  const provider = new HttpSession(target.baseUrl, "WayForPay callback");
  const response = await provider.request("POST", "/api/webhooks/wayforpay", {
    body: simulatedCallback(target.wayforpay, payment),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  if (response.status === 503) {
    throw new Error("the server has no WayForPay credentials: run the demo against `npm start` on the local network");
  }
  const answer = response.body as { time?: number; signature?: string };
  const expected =
    typeof answer?.time === "number"
      ? buildAcceptance(payment.orderReference, target.wayforpay.secretKey, new Date(answer.time * 1000))
      : undefined;
  if (response.status !== 200 || expected === undefined || JSON.stringify(answer) !== JSON.stringify(expected)) {
    throw new Error(
      `WayForPay ${payment.transactionStatus} for ${payment.orderReference}: HTTP ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
}

/** How many of `minted` the indexer shows, once it shows them all (or after 60 s). */
async function indexedPayouts(graphqlUrl: string, minted: Reward[]): Promise<number> {
  if (minted.length === 0) return 0;
  const fields = minted.map(
    (reward, i) => `p${i}: payout(orderRef: "${orderRefOf(reward.orderReference)}") { orderRef }`,
  );
  const count = async () => {
    const response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ ${fields.join(" ")} }` }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown> };
    return Object.values(body.data ?? {}).filter(Boolean).length;
  };
  try {
    return await until("the indexer", async () => ((await count()) === minted.length ? minted.length : undefined));
  } catch {
    return count();
  }
}
