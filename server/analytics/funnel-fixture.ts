// Test fixture of the analytics tests: two referrers with known visits, sign-ups, orders,
// rewards and payouts over three UTC days (plus events just outside them), the indexer's `payout`
// view stood in by a plain table, and a GraphQL helper. The expected figures are worked out by
// hand in the tests from the comments here.
import { sql } from "drizzle-orm";
import type { PrivateKeyAccount } from "viem";
import type { Deployment } from "../../deployments/schema.ts";
import { orderRefOf } from "../../scripts/lib/order-ref.ts";
import type { Db } from "../db/client.ts";
import { orders, refcodeVisitDays, refcodeVisitors, rewards, users } from "../db/schema.ts";
import { insertCode } from "../test/fixtures.ts";
import type { TestClient } from "../test/harness.ts";

export const RANGE = { from: "2030-03-01", to: "2030-03-03" };
export const [D1, D2, D3] = ["2030-03-01", "2030-03-02", "2030-03-03"] as const;
const BEFORE = "2030-02-28";
const AFTER = "2030-03-04";
const at = (day: string, time = "12:00:00") => new Date(`${day}T${time}Z`);
const unix = (date: Date) => date.getTime() / 1000;

/** Creates the stand-in of the indexer's view: a plain table with the view's exact columns. */
export async function createPayoutStandIn(db: Db, schema = "refcodes_indexer") {
  await db.execute(sql.raw(`create schema if not exists "${schema}"`));
  await db.execute(
    sql.raw(`create table if not exists "${schema}".payout (
      order_ref text primary key, referrer text not null, amount numeric(78,0) not null, tx_hash text not null,
      block_number numeric(78,0) not null, log_index integer not null, timestamp numeric(78,0) not null,
      batch boolean not null)`),
  );
}

export interface FunnelFixture {
  alice: { userId: string; codes: { ALICE1: string; ALICE2: string } };
  bob: { userId: string; code: string };
}

/**
 * Alice owns ALICE1 (active) and ALICE2 (inactive), Bob owns BOB1. In the range D1..D3:
 * - visits (visitor: days): ALICE1 v1 v2 on D1, v1 v3 on D2, v4 on D3 (+ v9 the day before);
 *   ALICE2 v1 v5 on D2; BOB1 v1 v6 on D1, v7 on D3 (+ v8 the day after);
 * - sign-ups accepted: ALICE1 on D1 and D3 (+ one the second before D1), BOB1 on D2; one rejected;
 * - orders: ALICE1 accepted on D1, D2, D3 23:59:59 (+ one at the first second after D3),
 *   rejected self_referral D1, wallet_overlap D2, not_first_purchase D2; ALICE2 (typed "alice2")
 *   inactive_code D3; BOB1 accepted D1, not_first_purchase D3; "bob1" unknown_code D2 (decided
 *   before the code existed); one without code D1;
 * - rewards (created, state, wei, minor): ALICE1 r1 D1 minted 1000 100 USD (order_ref stored upper
 *   case), r2 D2 approved 2000 200 USD, r3 D3 pending_approval unsized 300 EUR, r7 D2 minted 50 5
 *   USD, r6 the day before D1 minted 400 40 USD; BOB1 r4 D1 minted 5000 500 USD, r5 D3 rejected
 *   700 70 USD;
 * - payouts (block time): r1 D1, r6 D1, r4 D2, one without a ledger row D3 (9 wei), r7 at the
 *   first second after D3.
 */
export async function seedFunnelFixture(
  db: Db,
  accounts: { alice: PrivateKeyAccount; bob: PrivateKeyAccount },
  deployment: Pick<Deployment, "token" | "chainId">,
  viewsSchema = "refcodes_indexer",
): Promise<FunnelFixture> {
  const alice1 = await insertCode(db, accounts.alice.address, { code: "ALICE1" });
  const alice2 = await insertCode(db, accounts.alice.address, { code: "ALICE2", active: false });
  const bob1 = await insertCode(db, accounts.bob.address, { code: "BOB1" });

  const visits: [string, string, string[]][] = [
    [alice1.id, D1, ["v1", "v2"]],
    [alice1.id, D2, ["v1", "v3"]],
    [alice1.id, D3, ["v4"]],
    [alice1.id, BEFORE, ["v9"]],
    [alice2.id, D2, ["v1", "v5"]],
    [bob1.id, D1, ["v1", "v6"]],
    [bob1.id, D3, ["v7"]],
    [bob1.id, AFTER, ["v8"]],
  ];
  for (const [codeId, day, visitors] of visits) {
    await db.insert(refcodeVisitDays).values({ codeId, day, visits: visitors.length });
    await db
      .insert(refcodeVisitors)
      .values(visitors.map((visitor) => ({ codeId, day, visitor: Buffer.from(visitor.padEnd(16, "-")) })));
  }

  const signup = (codeId: string | null, createdAt: Date) =>
    codeId
      ? { createdAt, referredByCodeId: codeId, signupAttribution: "accepted" as const }
      : { createdAt, signupAttribution: "rejected" as const, signupAttributionReason: "self_referral" };
  const signups = [
    signup(alice1.id, at(D1)),
    signup(alice1.id, at(D3)),
    signup(alice1.id, at(BEFORE, "23:59:59")),
    signup(bob1.id, at(D2)),
    signup(null, at(D1)),
  ];
  const [buyer] = await db.insert(users).values(signups).returning({ id: users.id });

  type Order = typeof orders.$inferInsert;
  const order = (ref: string, createdAt: Date, referral: Partial<Order>): Order => ({
    orderReference: ref,
    kind: "store",
    source: "app",
    buyerUserId: buyer!.id,
    amountMinor: 1000,
    currency: "USD",
    attribution: "none",
    createdAt,
    ...referral,
  });
  const accepted = (code: typeof alice1): Partial<Order> => ({
    attribution: "accepted",
    referralCode: code.code,
    refcodeId: code.id,
    referrerUserId: code.userId,
    referrerWallet: code.wallet,
  });
  const rejected = (referralCode: string, reason: NonNullable<Order["attributionReason"]>): Partial<Order> => ({
    attribution: "rejected",
    referralCode,
    attributionReason: reason,
  });
  await db.insert(orders).values([
    order("o1", at(D1), accepted(alice1)),
    order("o2", at(D2), accepted(alice1)),
    order("o3", at(D3, "23:59:59"), accepted(alice1)),
    order("o4", at(D1), rejected("ALICE1", "self_referral")),
    order("o5", at(D2), rejected("ALICE1", "wallet_overlap")),
    order("o6", at(D2), rejected("ALICE1", "not_first_purchase")),
    order("o7", at(D3), rejected("alice2", "inactive_code")),
    order("o8", at(D1), accepted(bob1)),
    order("o9", at(D3), rejected("BOB1", "not_first_purchase")),
    // Rejected before a code "BOB1" existed: it stays unknown_code, never Bob's.
    order("o10", at(D2), rejected("bob1", "unknown_code")),
    order("o11", at(D1), {}),
    order("o12", at(AFTER, "00:00:00"), accepted(alice1)),
  ]);

  type Reward = typeof rewards.$inferInsert;
  const reward = (
    ref: string,
    code: typeof alice1,
    createdAt: Date,
    state: Reward["state"],
    wei: number | null,
    minor: number,
    currency = "USD",
  ): Reward => ({
    orderReference: ref,
    orderRef: orderRefOf(ref),
    kind: "store",
    refcodeId: code.id,
    referralCode: code.code,
    referrerUserId: code.userId,
    referrerWallet: code.wallet,
    refereeUserId: buyer!.id,
    baseAmountMinor: 1000,
    currency,
    commissionBps: 1000,
    grossRewardMinor: minor,
    rewardMinor: minor,
    sizing: wei === null ? "pending_price" : "sized",
    grossTokenAmount: wei?.toString() ?? null,
    tokenAmount: wei?.toString() ?? null,
    token: deployment.token,
    chainId: deployment.chainId,
    rail: "fiat",
    state,
    createdAt,
  });
  await db.insert(rewards).values([
    {
      ...reward("o1", alice1, at(D1), "minted", 1000, 100),
      orderRef: orderRefOf("o1").toUpperCase().replace("0X", "0x"),
    },
    reward("o2", alice1, at(D2), "approved", 2000, 200),
    reward("o3", alice1, at(D3), "pending_approval", null, 300, "EUR"),
    reward("o8", bob1, at(D1), "minted", 5000, 500),
    reward("bob-extra", bob1, at(D3), "rejected", 700, 70),
    reward("alice-old", alice1, at(BEFORE), "minted", 400, 40),
    reward("alice-late", alice1, at(D2), "minted", 50, 5),
  ]);

  const payouts: [string, string, number, Date][] = [
    [orderRefOf("o1"), accounts.alice.address, 1000, at(D1)],
    [orderRefOf("alice-old"), accounts.alice.address, 400, at(D1, "18:00:00")],
    [orderRefOf("o8"), accounts.bob.address, 5000, at(D2, "08:00:00")],
    [orderRefOf("nobody-knows"), accounts.bob.address, 9, at(D3)],
    [orderRefOf("alice-late"), accounts.alice.address, 50, at(AFTER, "00:00:00")],
  ];
  for (const [i, [orderRef, referrer, amount, time]] of payouts.entries()) {
    await db.execute(sql`
      insert into ${sql.raw(`"${viewsSchema}".payout`)}
        (order_ref, referrer, amount, tx_hash, block_number, log_index, timestamp, batch)
      values (${orderRef}, ${referrer.toLowerCase()}, ${amount}, ${`0x${"ab".repeat(32)}`}, ${100 + i}, ${i},
        ${unix(time)}, true)`);
  }
  return {
    alice: { userId: alice1.userId, codes: { ALICE1: alice1.id, ALICE2: alice2.id } },
    bob: { userId: bob1.userId, code: bob1.id },
  };
}

export interface GraphQLResponse<T = any> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; extensions?: { code?: string } }[] | undefined;
}

/** POSTs a GraphQL request as `client` (its session cookie decides who asks). */
export async function graphql<T = any>(client: TestClient, query: string, variables?: Record<string, unknown>) {
  const response = await client.post("/graphql", { query, variables });
  return { status: response.status, data: response.body?.data, errors: response.body?.errors } as GraphQLResponse<T>;
}
