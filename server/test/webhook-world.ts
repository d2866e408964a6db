// A running stack with what the webhook tests need: an admin, a USD desk price, and referred
// buyers with pending orders, plus readers of the payment and reward ledgers.
import assert from "node:assert/strict";
import { asc, eq } from "drizzle-orm";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import {
  deskRates,
  orders,
  paymentTransactions,
  priceSources,
  rewardAdjustments,
  rewards,
  rewardTasks,
} from "../db/schema.ts";
import { insertCode } from "./fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "./harness.ts";
import {
  acceptanceSignature,
  stripeDelivery,
  wayforpayCallback,
  type WayForPayCallbackInput,
} from "./payment-fixtures.ts";

/** 1 token = 2.50 USD: a reward of 10.00 USD is exactly 4 tokens. */
export const USD_PRICE = { answer: 250_000_000n, decimals: 8 };

export interface WebhookWorld {
  stack: TestStack;
  admin: TestClient;
  /** A referrer's code and a buyer who arrived through it; `orderOf` creates their orders. */
  referredBuyer(options?: { referrer?: ReturnType<typeof newAccount>; code?: string }): Promise<Buyer>;
  wayforpay(
    input: Partial<WayForPayCallbackInput> & { orderReference: string },
  ): Promise<{ status: number; body: any }>;
  stripe(
    event: Record<string, unknown>,
    options?: { timestamp?: number; secret?: string },
  ): Promise<{ status: number; body: any }>;
  order(orderReference: string): Promise<typeof orders.$inferSelect>;
  reward(orderReference: string): Promise<typeof rewards.$inferSelect | undefined>;
  task(orderReference: string): Promise<typeof rewardTasks.$inferSelect | undefined>;
  deliveries(orderReference: string): Promise<(typeof paymentTransactions.$inferSelect)[]>;
  adjustments(rewardId: string): Promise<(typeof rewardAdjustments.$inferSelect)[]>;
  stop(): Promise<void>;
}

export interface Buyer {
  client: TestClient;
  userId: string;
  referrer: ReturnType<typeof newAccount>;
  code: string;
  /** A pending order of `amountMinor` USD cents (store unless said). */
  order(amountMinor: number, kind?: "store" | "membership"): Promise<string>;
}

export async function startWebhookWorld(env: Record<string, string> = {}): Promise<WebhookWorld> {
  const stack = await startTestStack({ env });
  const db = stack.server.deps.db;
  const admin = stack.client();
  await signIn(admin, privateKeyToAccount(anvilKeys.deployer));
  await db.insert(priceSources).values({ currency: "USD", kind: "desk", updatedBy: "test" });
  await db
    .insert(deskRates)
    .values({ currency: "USD", answer: USD_PRICE.answer.toString(), decimals: USD_PRICE.decimals, setBy: "test" });

  return {
    stack,
    admin,
    async referredBuyer(options = {}) {
      const referrer = options.referrer ?? newAccount();
      const code = options.code ?? (await insertCode(db, referrer.address)).code;
      const client = stack.client();
      client.cookies.set("ring_ref", code);
      const { session } = await signIn(client);
      return {
        client,
        userId: session.userId,
        referrer,
        code,
        async order(amountMinor, kind = "store") {
          const response = await client.post("/api/orders", { amountMinor, currency: "USD", kind });
          assert.equal(response.status, 201, JSON.stringify(response.body));
          return response.body.orderReference as string;
        },
      };
    },
    async wayforpay(input) {
      const body = wayforpayCallback({ amount: "100.00", currency: "USD", transactionStatus: "Approved", ...input });
      const response = await stack.client().request("POST", "/api/webhooks/wayforpay", {
        body,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      await stack.server.app.payments.idle(); // the reward step runs after the answer
      if (response.status === 200) {
        // Every 200 carries the signed acceptance WayForPay expects.
        assert.equal(response.body.orderReference, input.orderReference);
        assert.equal(response.body.status, "accept");
        assert.equal(response.body.signature, acceptanceSignature(input.orderReference, response.body.time));
      }
      return response;
    },
    async stripe(event, options) {
      const { body, header } = stripeDelivery(event, options);
      const response = await stack.client().request("POST", "/api/webhooks/stripe", {
        body,
        headers: { "content-type": "application/json", "stripe-signature": header },
      });
      await stack.server.app.payments.idle(); // the reward step runs after the answer
      return response;
    },
    async order(orderReference) {
      const [row] = await db.select().from(orders).where(eq(orders.orderReference, orderReference));
      assert.ok(row, `order ${orderReference} exists`);
      return row;
    },
    async reward(orderReference) {
      return (await db.select().from(rewards).where(eq(rewards.orderReference, orderReference)))[0];
    },
    async task(orderReference) {
      return (await db.select().from(rewardTasks).where(eq(rewardTasks.orderReference, orderReference)))[0];
    },
    deliveries: (orderReference) =>
      db
        .select()
        .from(paymentTransactions)
        .where(eq(paymentTransactions.orderReference, orderReference))
        .orderBy(asc(paymentTransactions.id)),
    adjustments: (rewardId) =>
      db
        .select()
        .from(rewardAdjustments)
        .where(eq(rewardAdjustments.rewardId, rewardId))
        .orderBy(asc(rewardAdjustments.id)),
    stop: () => stack.stop(),
  };
}
