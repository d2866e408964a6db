import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { and, eq, sum } from "drizzle-orm";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { creditBalances, creditEntries, orders } from "../db/schema.ts";
import type { OrderRow, UserRow } from "../rewards/hook.ts";
import { signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";

let stack: TestStack;
let admin: TestClient;
const paidHooks: { kind: "order" | "membership"; orderReference: string; userId?: string }[] = [];

before(async () => {
  stack = await startTestStack({
    rewards: {
      onOrderPaid: async (order: OrderRow) => {
        paidHooks.push({ kind: "order", orderReference: order.orderReference });
        return { noReward: "recorded by the test" };
      },
      onMembershipPaid: async (user: UserRow, order: OrderRow) => {
        paidHooks.push({ kind: "membership", orderReference: order.orderReference, userId: user.id });
        return { noReward: "recorded by the test" };
      },
    },
  });
  admin = stack.client();
  await signIn(admin, privateKeyToAccount(anvilKeys.deployer)); // holds DEFAULT_ADMIN_ROLE on-chain
});
after(() => stack?.stop());

const db = () => stack.server.deps.db;

async function buyerWithCredit(amountMinor: number, currency = "USD") {
  const client = stack.client();
  const { session } = await signIn(client);
  if (amountMinor > 0) {
    const grant = await admin.post("/api/admin/credit/grants", { userId: session.userId, currency, amountMinor });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
  }
  return { client, userId: session.userId };
}

async function balance(userId: string, currency = "USD") {
  const [row] = await db()
    .select({ balance: creditBalances.balanceMinor })
    .from(creditBalances)
    .where(and(eq(creditBalances.userId, userId), eq(creditBalances.currency, currency)));
  return row?.balance ?? 0;
}

async function ledgerSum(userId: string, currency = "USD") {
  const [row] = await db()
    .select({ total: sum(creditEntries.amountMinor) })
    .from(creditEntries)
    .where(and(eq(creditEntries.userId, userId), eq(creditEntries.currency, currency)));
  return Number(row?.total ?? 0);
}

describe("credit grants", () => {
  it("lets an admin grant credit by user id or by wallet, ledgered", async () => {
    const { client, userId } = await buyerWithCredit(1000);
    const again = await admin.post("/api/admin/credit/grants", {
      userId,
      currency: "USD",
      amountMinor: 250,
      note: "bonus",
    });
    assert.equal(again.body.balanceMinor, 1250);
    const mine = await client.get("/api/credit");
    assert.deepEqual(mine.body.balances, [{ currency: "USD", balanceMinor: 1250 }]);
    assert.deepEqual(
      mine.body.entries.map((e: { kind: string; amountMinor: number }) => [e.kind, e.amountMinor]),
      [
        ["grant", 250],
        ["grant", 1000],
      ],
    );
    const byWallet = await admin.post("/api/admin/credit/grants", {
      wallet: "0x000000000000000000000000000000000000dEaD",
      currency: "EUR",
      amountMinor: 5,
    });
    assert.equal(byWallet.status, 201);
    // The wallet is checksummed on input: any case names the same user.
    const lowercase = await admin.post("/api/admin/credit/grants", {
      wallet: "0x000000000000000000000000000000000000dead",
      currency: "EUR",
      amountMinor: 5,
    });
    assert.equal(lowercase.status, 201);
    assert.deepEqual(lowercase.body, { userId: byWallet.body.userId, currency: "EUR", balanceMinor: 10 });
  });

  it("refuses non-admins, bad amounts and unknown users", async () => {
    const { client, userId } = await buyerWithCredit(0);
    const self = await client.post("/api/admin/credit/grants", { userId, currency: "USD", amountMinor: 100 });
    assert.equal(self.status, 403);
    assert.equal(await balance(userId), 0);
    assert.equal(
      (await stack.client().post("/api/admin/credit/grants", { userId, currency: "USD", amountMinor: 1 })).status,
      401,
    );
    for (const amountMinor of [0, -5, 1.5]) {
      const response = await admin.post("/api/admin/credit/grants", { userId, currency: "USD", amountMinor });
      assert.equal(response.status, 400);
      assert.match(response.body.message, /amountMinor/);
    }
    const both = await admin.post("/api/admin/credit/grants", { currency: "USD", amountMinor: 1 });
    assert.equal(both.body.error, "recipient_required");
    const unknown = await admin.post("/api/admin/credit/grants", {
      userId: "00000000-0000-4000-8000-000000000000",
      currency: "USD",
      amountMinor: 1,
    });
    assert.equal(unknown.status, 404);
  });
});

describe("POST /api/orders/:ref/pay-with-credit", () => {
  it("debits the credit and marks the order paid at once, rail crypto, calling the reward hook once", async () => {
    const { client, userId } = await buyerWithCredit(5000);
    const created = await client.post("/api/orders", {
      orderReference: "credit-1",
      amountMinor: 3000,
      currency: "USD",
    });
    const paid = await client.post("/api/orders/credit-1/pay-with-credit");
    assert.equal(paid.status, 200);
    assert.equal(paid.body.status, "paid");
    assert.equal(paid.body.rail, "crypto");
    assert.ok(paid.body.paidAt);
    assert.equal(created.body.status, "pending");
    assert.equal(await balance(userId), 2000);
    assert.equal(await ledgerSum(userId), 2000);
    assert.deepEqual(
      paidHooks.filter((h) => h.orderReference === "credit-1"),
      [{ kind: "order", orderReference: "credit-1" }],
    );

    const twice = await client.post("/api/orders/credit-1/pay-with-credit");
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error, "order_not_payable");
    assert.equal(await balance(userId), 2000);
  });

  it("answers 402 without enough credit and changes nothing", async () => {
    const { client, userId } = await buyerWithCredit(100);
    await client.post("/api/orders", { orderReference: "credit-poor", amountMinor: 101, currency: "USD" });
    const response = await client.post("/api/orders/credit-poor/pay-with-credit");
    assert.equal(response.status, 402);
    assert.equal(response.body.error, "insufficient_credit");
    assert.equal(await balance(userId), 100);
    const [order] = await db().select().from(orders).where(eq(orders.orderReference, "credit-poor"));
    assert.equal(order!.status, "pending");
  });

  it("uses only the order's currency", async () => {
    const { client } = await buyerWithCredit(10_000, "EUR");
    await client.post("/api/orders", { orderReference: "credit-usd", amountMinor: 10, currency: "USD" });
    assert.equal((await client.post("/api/orders/credit-usd/pay-with-credit")).status, 402);
  });

  it("refuses another buyer's order with 404", async () => {
    const owner = await buyerWithCredit(1000);
    await owner.client.post("/api/orders", { orderReference: "credit-owned", amountMinor: 10, currency: "USD" });
    const thief = await buyerWithCredit(1000);
    const response = await thief.client.post("/api/orders/credit-owned/pay-with-credit");
    assert.equal(response.status, 404);
    assert.equal(await balance(thief.userId), 1000);
  });

  it("calls onMembershipPaid for a membership order", async () => {
    const { client, userId } = await buyerWithCredit(900);
    await client.post("/api/orders", {
      orderReference: "credit-member",
      kind: "membership",
      amountMinor: 900,
      currency: "USD",
    });
    assert.equal((await client.post("/api/orders/credit-member/pay-with-credit")).status, 200);
    assert.deepEqual(
      paidHooks.filter((h) => h.orderReference === "credit-member"),
      [{ kind: "membership", orderReference: "credit-member", userId }],
    );
  });

  it("never overdraws under 20 concurrent payments of different orders", async () => {
    const { client, userId } = await buyerWithCredit(7 * 300 + 150); // enough for exactly 7
    const refs = Array.from({ length: 20 }, (_, i) => `credit-race-${i}`);
    for (const ref of refs)
      await client.post("/api/orders", { orderReference: ref, amountMinor: 300, currency: "USD" });
    const responses = await Promise.all(refs.map((ref) => client.post(`/api/orders/${ref}/pay-with-credit`)));
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 7, statuses.join(","));
    assert.equal(statuses.filter((s) => s === 402).length, 13, statuses.join(","));
    assert.equal(await balance(userId), 150);
    assert.equal(await ledgerSum(userId), 150);
    const paid = await db()
      .select()
      .from(orders)
      .where(and(eq(orders.buyerUserId, userId), eq(orders.status, "paid")));
    assert.equal(paid.length, 7);
  });

  it("debits once under 20 concurrent payments of the same order", async () => {
    const { client, userId } = await buyerWithCredit(10_000);
    await client.post("/api/orders", { orderReference: "credit-same", amountMinor: 400, currency: "USD" });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => client.post("/api/orders/credit-same/pay-with-credit")),
    );
    assert.equal(responses.filter((r) => r.status === 200).length, 1);
    assert.equal(responses.filter((r) => r.status === 409).length, 19);
    assert.equal(await balance(userId), 9600);
    assert.equal(paidHooks.filter((h) => h.orderReference === "credit-same").length, 1);
  });
});
