// The analytics numbers against the hand-counted fixture (funnel-fixture.ts): the funnel per code,
// per referrer and in total, the daily series, the top referrers, paid-on-chain from the stand-in
// of the indexer's view (and null without it), and the reconciliation summary.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "drizzle-orm";
import { attributionReasons, rewardStates } from "../db/schema.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import {
  createPayoutStandIn,
  D1,
  D2,
  D3,
  type FunnelFixture,
  graphql,
  RANGE,
  seedFunnelFixture,
} from "./funnel-fixture.ts";

const adminAccount = newAccount();
const alice = newAccount();
const bob = newAccount();
let stack: TestStack;
let admin: TestClient;
let asAlice: TestClient;
let fixture: FunnelFixture;

before(async () => {
  stack = await startTestStack({ env: { ADMIN_WALLETS: adminAccount.address } });
  const { db } = stack.server.deps;
  await createPayoutStandIn(db);
  fixture = await seedFunnelFixture(db, { alice, bob }, stack.server.deps.chain.deployment);
  admin = stack.client();
  await signIn(admin, adminAccount);
  asAlice = stack.client();
  await signIn(asAlice, alice);
});
after(() => stack?.stop());

const COUNTS = `fragment Counts on FunnelCounts {
  visits uniqueVisitors signups orders attributedOrders rejectedAttributions { reason count }
  rewards { state count tokenAmount amounts { currency amountMinor } } paidOnChain { count tokenAmount }
}`;

const FUNNEL = `query Funnel($range: DateRange!, $code: String, $referrer: String) {
  funnel(range: $range, code: $code, referrer: $referrer) {
    from to codes referrers total { ...Counts }
    byCode { code active wallet referrer { id wallets } counts { ...Counts } }
    byReferrer { referrer { id wallets } counts { ...Counts } }
  }
} ${COUNTS}`;

type StateFigures = [count: number, wei: number, amounts: Record<string, number>];

/** The JSON of FunnelCounts, every reason and state listed, zeros for the ones not given. */
function counts(figures: {
  visits: number;
  unique: number;
  signups: number;
  orders: number;
  attributed: number;
  rejected?: Partial<Record<(typeof attributionReasons)[number], number>>;
  rewards?: Partial<Record<(typeof rewardStates)[number], StateFigures>>;
  paid: [count: number, wei: number] | null;
}) {
  return {
    visits: figures.visits,
    uniqueVisitors: figures.unique,
    signups: figures.signups,
    orders: figures.orders,
    attributedOrders: figures.attributed,
    rejectedAttributions: attributionReasons.map((reason) => ({ reason, count: figures.rejected?.[reason] ?? 0 })),
    rewards: rewardStates.map((state) => {
      const [count, wei, amounts] = figures.rewards?.[state] ?? [0, 0, {}];
      return {
        state,
        count,
        tokenAmount: String(wei),
        amounts: Object.entries(amounts).map(([currency, minor]) => ({ currency, amountMinor: String(minor) })),
      };
    }),
    paidOnChain: figures.paid && { count: figures.paid[0], tokenAmount: String(figures.paid[1]) },
  };
}

const ALICE1 = counts({
  visits: 5,
  unique: 4,
  signups: 2,
  orders: 6,
  attributed: 3,
  rejected: { self_referral: 1, wallet_overlap: 1, not_first_purchase: 1 },
  rewards: {
    minted: [2, 1050, { USD: 105 }],
    approved: [1, 2000, { USD: 200 }],
    pending_approval: [1, 0, { EUR: 300 }],
  },
  paid: [2, 1400],
});
const ALICE2 = counts({
  visits: 2,
  unique: 2,
  signups: 0,
  orders: 1,
  attributed: 0,
  rejected: { inactive_code: 1 },
  paid: [0, 0],
});
const BOB1 = counts({
  visits: 3,
  unique: 3,
  signups: 1,
  orders: 2,
  attributed: 1,
  rejected: { not_first_purchase: 1 },
  rewards: { minted: [1, 5000, { USD: 500 }], rejected: [1, 700, { USD: 70 }] },
  paid: [1, 5000],
});
const ALICE = counts({
  visits: 7,
  unique: 5, // v1 visited both of her codes
  signups: 2,
  orders: 7,
  attributed: 3,
  rejected: { self_referral: 1, wallet_overlap: 1, not_first_purchase: 1, inactive_code: 1 },
  rewards: {
    minted: [2, 1050, { USD: 105 }],
    approved: [1, 2000, { USD: 200 }],
    pending_approval: [1, 0, { EUR: 300 }],
  },
  paid: [2, 1400],
});
const TOTAL = counts({
  visits: 10,
  unique: 7,
  signups: 3,
  orders: 10, // with the unknown-code order no code owns
  attributed: 4,
  rejected: { unknown_code: 1, inactive_code: 1, self_referral: 1, wallet_overlap: 1, not_first_purchase: 2 },
  rewards: {
    minted: [3, 6050, { USD: 605 }],
    approved: [1, 2000, { USD: 200 }],
    pending_approval: [1, 0, { EUR: 300 }],
    rejected: [1, 700, { USD: 70 }],
  },
  paid: [4, 6409], // with the payout no ledger row has
});

const code = (name: string, active: boolean, wallet: string, referrerId: string, figures: unknown) => ({
  code: name,
  active,
  wallet,
  referrer: { id: referrerId, wallets: [wallet] },
  counts: figures,
});

describe("funnel", () => {
  it("test_funnel_admin_countsEveryCodeReferrerAndTotalOfTheFixture", async () => {
    const { status, data, errors } = await graphql(admin, FUNNEL, { range: RANGE });
    assert.equal(status, 200);
    assert.equal(errors, undefined);
    const { alice: a, bob: b } = fixture;
    assert.deepEqual(data.funnel, {
      from: RANGE.from,
      to: RANGE.to,
      codes: 3,
      referrers: 2,
      total: TOTAL,
      // The busiest first: by visits.
      byCode: [
        code("ALICE1", true, alice.address, a.userId, ALICE1),
        code("BOB1", true, bob.address, b.userId, BOB1),
        code("ALICE2", false, alice.address, a.userId, ALICE2),
      ],
      byReferrer: [
        { referrer: { id: a.userId, wallets: [alice.address] }, counts: ALICE },
        { referrer: { id: b.userId, wallets: [bob.address] }, counts: BOB1 },
      ],
    });
  });

  it("test_funnel_listLimit_keepsTheBusiestAndIsChecked", async () => {
    const query = `query F($range: DateRange!, $limit: Int!) {
      funnel(range: $range) { codes byCode(limit: $limit) { code } byReferrer(limit: $limit) { referrer { id } } }
    }`;
    const { data } = await graphql(admin, query, { range: RANGE, limit: 1 });
    assert.deepEqual(data.funnel, {
      codes: 3,
      byCode: [{ code: "ALICE1" }],
      byReferrer: [{ referrer: { id: fixture.alice.userId } }],
    });
    for (const limit of [0, 501]) {
      const refused = await graphql(admin, query, { range: RANGE, limit });
      assert.equal(refused.data, null);
      assert.match(refused.errors![0]!.message, new RegExp(`^byCode.limit: expected 1 to 500, got ${limit}$`));
    }
  });

  it("test_funnel_referrer_seesExactlyTheirOwnCodes", async () => {
    const { data, errors } = await graphql(asAlice, FUNNEL, { range: RANGE });
    assert.equal(errors, undefined);
    assert.deepEqual(data.funnel.total, ALICE);
    assert.deepEqual(
      data.funnel.byCode.map((entry: { code: string }) => entry.code),
      ["ALICE1", "ALICE2"],
    );
    assert.deepEqual(data.funnel.byReferrer, [
      { referrer: { id: fixture.alice.userId, wallets: [alice.address] }, counts: ALICE },
    ]);
    const one = await graphql(asAlice, FUNNEL, { range: RANGE, code: "alice1" });
    assert.deepEqual(one.data.funnel.total, ALICE1, "a code is found in any case");
  });

  it("test_funnel_adminFilters_byCodeAndByReferrerWallet", async () => {
    const byCode = await graphql(admin, FUNNEL, { range: RANGE, code: "BOB1" });
    assert.deepEqual(byCode.data.funnel.total, BOB1);
    const byWallet = await graphql(admin, FUNNEL, { range: RANGE, referrer: alice.address.toLowerCase() });
    assert.deepEqual(byWallet.data.funnel.total, ALICE);
    const oneDay = await graphql(admin, FUNNEL, { range: { from: D2, to: D2 }, code: "BOB1" });
    assert.deepEqual(
      oneDay.data.funnel.total,
      counts({ visits: 0, unique: 0, signups: 1, orders: 0, attributed: 0, paid: [1, 5000] }),
      "each event counts on its own day: Bob's payout on D2, his reward on D1",
    );
  });

  it("test_funnel_withoutIndexerViews_paidOnChainIsNullNotAnError", async () => {
    const { db } = stack.server.deps;
    await db.execute(sql`alter schema refcodes_indexer rename to refcodes_indexer_away`);
    try {
      const { data, errors } = await graphql(admin, FUNNEL, { range: RANGE });
      assert.equal(errors, undefined);
      assert.deepEqual(data.funnel.total, { ...TOTAL, paidOnChain: null });
      assert.equal(data.funnel.byCode[0].counts.paidOnChain, null);
      const daily = await graphql(
        admin,
        `{ daily(range: {from: "${D1}", to: "${D1}"}) { visits paidOnChain { count } } }`,
      );
      assert.deepEqual(daily.data.daily, [{ visits: 4, paidOnChain: null }]);
    } finally {
      await db.execute(sql`alter schema refcodes_indexer_away rename to refcodes_indexer`);
    }
  });
});

const DAILY = `query Daily($range: DateRange!, $code: String) {
  daily(range: $range, code: $code) {
    day visits uniqueVisitors signups orders attributedOrders rewards rewardTokenAmount paidOnChain { count tokenAmount }
  }
}`;

const day = (date: string, ...n: [number, number, number, number, number, number, number, number, number]) => ({
  day: date,
  visits: n[0],
  uniqueVisitors: n[1],
  signups: n[2],
  orders: n[3],
  attributedOrders: n[4],
  rewards: n[5],
  rewardTokenAmount: String(n[6]),
  paidOnChain: { count: n[7], tokenAmount: String(n[8]) },
});

describe("daily", () => {
  it("test_daily_admin_everyDayOfTheRangeWithZerosAround", async () => {
    const { data, errors } = await graphql(admin, DAILY, { range: { from: "2030-02-27", to: "2030-03-05" } });
    assert.equal(errors, undefined);
    assert.deepEqual(data.daily, [
      day("2030-02-27", 0, 0, 0, 0, 0, 0, 0, 0, 0),
      day("2030-02-28", 1, 1, 1, 0, 0, 1, 400, 0, 0),
      day(D1, 4, 3, 1, 3, 2, 2, 6000, 2, 1400),
      day(D2, 4, 3, 1, 4, 1, 2, 2050, 1, 5000),
      day(D3, 2, 2, 1, 3, 1, 2, 700, 1, 9),
      day("2030-03-04", 1, 1, 0, 1, 1, 0, 0, 1, 50),
      day("2030-03-05", 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ]);
  });

  it("test_daily_referrer_onlyTheirCodes", async () => {
    const { data, errors } = await graphql(asAlice, DAILY, { range: RANGE });
    assert.equal(errors, undefined);
    assert.deepEqual(data.daily, [
      day(D1, 2, 2, 1, 2, 1, 1, 1000, 2, 1400),
      day(D2, 4, 3, 0, 3, 1, 2, 2050, 0, 0),
      day(D3, 1, 1, 1, 2, 1, 1, 0, 0, 0),
    ]);
  });
});

describe("topReferrers", () => {
  const TOP = `query Top($range: DateRange!, $limit: Int!) {
    topReferrers(range: $range, limit: $limit) {
      rank referrer { id wallets } rewards rewardTokenAmount paidOnChain { count tokenAmount }
    }
  }`;

  it("test_topReferrers_rankedByRewardTokensWithoutRejected", async () => {
    const { data, errors } = await graphql(admin, TOP, { range: RANGE, limit: 10 });
    assert.equal(errors, undefined);
    assert.deepEqual(data.topReferrers, [
      {
        rank: 1,
        referrer: { id: fixture.bob.userId, wallets: [bob.address] },
        rewards: 1, // the rejected 700 is left out
        rewardTokenAmount: "5000",
        paidOnChain: { count: 1, tokenAmount: "5000" },
      },
      {
        rank: 2,
        referrer: { id: fixture.alice.userId, wallets: [alice.address] },
        rewards: 4,
        rewardTokenAmount: "3050",
        paidOnChain: { count: 2, tokenAmount: "1400" },
      },
    ]);
    const first = await graphql(admin, TOP, { range: RANGE, limit: 1 });
    assert.deepEqual(
      first.data.topReferrers.map((entry: { rank: number }) => entry.rank),
      [1],
    );
  });
});

describe("reconciliation", () => {
  it("test_reconciliation_summarisesTheLedgerChainRun", async () => {
    const query = `{ reconciliation(refresh: true) { ok chainId ledgerRows onChainPayments agreeingOrders
      disagreeingOrders mismatches warnings byKind { kind severity count } } }`;
    const { data, errors } = await graphql(admin, query);
    assert.equal(errors, undefined);
    // The fixture's 4 minted rewards were never paid on the test chain; the other 3 agree.
    const { byKind, ...summary } = data.reconciliation;
    assert.deepEqual(summary, {
      ok: false,
      chainId: stack.server.deps.chain.deployment.chainId,
      ledgerRows: 7,
      onChainPayments: 0,
      agreeingOrders: 3,
      disagreeingOrders: 4,
      mismatches: 4,
      warnings: 0,
    });
    assert.deepEqual(
      byKind.filter((entry: { count: number }) => entry.count > 0),
      [{ kind: "minted_not_paid", severity: "mismatch", count: 4 }],
    );
  });
});
