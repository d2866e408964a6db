// The drills' load, through the real HTTP API only: referrers sign in (SIWE) and create codes,
// buyers arrive through /r/<code>, sign in and order, and the payment providers deliver signed
// callbacks (WayForPay and Stripe). Like the providers, a delivery is retried until the server
// accepts it: a webhook answered with 5xx or not answered at all is sent again.
import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { newAccount, signIn } from "../../server/test/harness.ts";
import { stripeDelivery, stripeEvent, wayforpayCallback } from "../../server/test/payment-fixtures.ts";
import type { DrillRecord, RecordingClient } from "./record.ts";
import { CRON_SECRET } from "./world.ts";

/** 1 token = 2.50 USD. */
const USD_DESK_RATE = { answer: "250000000", decimals: 8 };

export type Provider = "wayforpay" | "stripe";

export interface PaidOrderPlan {
  orderReference: string;
  amountMinor: number;
  provider: Provider;
}

export interface Load {
  /** Where the next request goes (one replica, or a rotation over several). */
  base: () => string;
  record: DrillRecord;
  /** Signs the admin in and sets the USD desk price. */
  setUp(): Promise<void>;
  /** A referrer with a fresh code, and `count` buyers through it, each with one pending order. */
  orders(count: number): Promise<PaidOrderPlan[]>;
  /** The provider's signed deliveries for `plan` (WayForPay: one callback; Stripe: checkout
   *  completed plus payment_intent succeeded). */
  deliveries(plan: PaidOrderPlan): Delivery[];
  /** Sends a delivery until it is accepted (2xx), for at most `patienceMs`. */
  deliver(delivery: Delivery, patienceMs?: number): Promise<number>;
  /** Orders placed and paid (every delivery accepted), `concurrency` at a time. */
  paidOrders(count: number, options?: { concurrency?: number }): Promise<PaidOrderPlan[]>;
  /** Asks `url` (a replica) for a minter run through the cron route, as an external scheduler
   *  would; throws when no answer comes (the replica is down or was killed meanwhile). */
  cronMint(url?: string): Promise<{ status: number; body: any }>;
}

export interface Delivery {
  orderReference: string;
  send(client: RecordingClient): Promise<number>;
}

let sequence = 0;

/** Runs `work` over `items`, `concurrency` at a time. */
export async function inParallel<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `step` while it throws (no answer: the server is down or restarting), up to
 *  `patienceMs`, unless the drill is beyond saving. */
async function persist<T>(record: DrillRecord, what: string, patienceMs: number, step: () => Promise<T>): Promise<T> {
  const until = Date.now() + patienceMs;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      record.assertHealthy();
      if (Date.now() > until) throw new Error(`${what}: gave up after ${patienceMs} ms: ${(error as Error).message}`);
      await pause(200);
    }
  }
}

export function createLoad(record: DrillRecord, base: () => string): Load {
  const admin = record.client(base);
  const client = () => record.client(base);
  // Anything but a 5xx is the server's real answer; a 5xx or no answer is tried again.
  const settled = async <T>(what: string, patienceMs: number, step: () => Promise<{ status: number; body: T }>) =>
    persist(record, what, patienceMs, async () => {
      const response = await step();
      if (response.status >= 500) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      return response;
    });

  const load: Load = {
    base,
    record,
    async setUp() {
      await persist(record, "admin sign-in", 60_000, () => signIn(admin, privateKeyToAccount(anvilKeys.deployer)));
      const source = await settled("price source", 60_000, () =>
        admin.request("PUT", "/api/admin/price-sources/USD", { json: { kind: "desk" } }),
      );
      assert.equal(source.status, 200, JSON.stringify(source.body));
      const rate = await settled("desk rate", 60_000, () =>
        admin.request("PUT", "/api/admin/desk-rates/USD", { json: USD_DESK_RATE }),
      );
      assert.equal(rate.status, 200, JSON.stringify(rate.body));
    },

    async orders(count) {
      const referrer = client();
      await persist(record, "referrer sign-in", 60_000, () => signIn(referrer, newAccount()));
      const code = await settled("create code", 60_000, () => referrer.post("/api/refcodes", {}));
      assert.equal(code.status, 201, JSON.stringify(code.body));
      return inParallel(
        Array.from({ length: count }, (_, i) => i),
        4,
        async () => {
          const buyer = client();
          const page = await settled("share link", 60_000, () => buyer.get(`/r/${code.body.code}`));
          assert.equal(page.status, 200);
          assert.ok(buyer.cookies.has("ring_ref"), "the share link sets the first-touch cookie");
          await persist(record, "buyer sign-in", 60_000, () => signIn(buyer, newAccount()));
          const n = ++sequence;
          const amountMinor = 1_000 + 100 * (n % 50);
          const orderReference = `drill-${process.pid}-${n}`;
          const order = await settled("order", 60_000, () =>
            buyer.post("/api/orders", { orderReference, amountMinor, currency: "USD" }),
          );
          assert.equal(order.status, 201, JSON.stringify(order.body));
          assert.equal(order.body.referral.attribution, "accepted", JSON.stringify(order.body));
          const provider: Provider = n % 3 === 0 ? "stripe" : "wayforpay";
          return { orderReference, amountMinor, provider };
        },
      );
    },

    deliveries(plan) {
      const amount = (plan.amountMinor / 100).toFixed(2);
      if (plan.provider === "wayforpay") {
        const body = wayforpayCallback({
          orderReference: plan.orderReference,
          amount,
          currency: "USD",
          transactionStatus: "Approved",
        });
        return [
          {
            orderReference: plan.orderReference,
            send: async (to) =>
              (
                await to.request("POST", "/api/webhooks/wayforpay", {
                  body,
                  // WayForPay posts its JSON with this content type
                  headers: { "content-type": "application/x-www-form-urlencoded" },
                })
              ).status,
          },
        ];
      }
      const intent = `pi_drill_${plan.orderReference.replaceAll(/[^a-z0-9]/gi, "")}`;
      const events = [
        stripeEvent("checkout.session.completed", {
          id: `cs_${intent}`,
          object: "checkout.session",
          amount_total: plan.amountMinor,
          currency: "usd",
          client_reference_id: plan.orderReference,
          metadata: { orderReference: plan.orderReference },
          mode: "payment",
          payment_intent: intent,
          payment_status: "paid",
          status: "complete",
        }),
        stripeEvent("payment_intent.succeeded", {
          id: intent,
          object: "payment_intent",
          amount: plan.amountMinor,
          amount_received: plan.amountMinor,
          currency: "usd",
          latest_charge: `ch_${intent}`,
          metadata: { orderReference: plan.orderReference },
          status: "succeeded",
        }),
      ];
      return events.map((event) => ({
        orderReference: plan.orderReference,
        send: async (to) => {
          const { body, header } = stripeDelivery(event); // signed at sending time, as Stripe does
          const response = await to.request("POST", "/api/webhooks/stripe", {
            body,
            headers: { "content-type": "application/json", "stripe-signature": header },
          });
          return response.status;
        },
      }));
    },

    async deliver(delivery, patienceMs = 90_000) {
      const to = client();
      return persist(record, `delivery for ${delivery.orderReference}`, patienceMs, async () => {
        const status = await delivery.send(to);
        if (status >= 500) throw new Error(`answered ${status}`);
        assert.equal(status, 200, `delivery for ${delivery.orderReference} answered ${status}`);
        return status;
      });
    },

    async paidOrders(count, options = {}) {
      const plans = await load.orders(count);
      await inParallel(plans, options.concurrency ?? 4, async (plan) => {
        for (const delivery of load.deliveries(plan)) await load.deliver(delivery);
      });
      return plans;
    },

    async cronMint(url) {
      const scheduler = record.client(url ?? base);
      return scheduler.get("/api/cron/refcodes-mint", { authorization: `Bearer ${CRON_SECRET}` });
    },
  };
  return load;
}
