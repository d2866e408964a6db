// Who sees what through /graphql: anonymous nothing, a referrer only their own codes (another's
// code or wallet is refused by name, whether it exists or not), an admin everything; the admin-only
// queries and introspection are refused to referrers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import { createPayoutStandIn, graphql, RANGE, seedFunnelFixture } from "./funnel-fixture.ts";

const adminAccount = newAccount();
const alice = newAccount();
const bob = newAccount();
let stack: TestStack;
let admin: TestClient;
let asAlice: TestClient;

before(async () => {
  stack = await startTestStack({ env: { ADMIN_WALLETS: adminAccount.address } });
  await createPayoutStandIn(stack.server.deps.db);
  await seedFunnelFixture(stack.server.deps.db, { alice, bob }, stack.server.deps.chain.deployment);
  admin = stack.client();
  await signIn(admin, adminAccount);
  asAlice = stack.client();
  await signIn(asAlice, alice);
});
after(() => stack?.stop());

const TOTAL_VISITS = `query F($range: DateRange!, $code: String, $referrer: String) {
  funnel(range: $range, code: $code, referrer: $referrer) { total { visits orders } byCode { code } }
}`;
const DAILY_VISITS = `query D($range: DateRange!, $code: String, $referrer: String) {
  daily(range: $range, code: $code, referrer: $referrer) { visits }
}`;

/** The request was refused with `code` and a message matching `message`, and gave no data. */
function assertRefused(response: Awaited<ReturnType<typeof graphql>>, code: string, message: RegExp) {
  assert.equal(response.errors?.length, 1, JSON.stringify(response));
  assert.equal(response.errors![0]!.extensions?.code, code);
  assert.match(response.errors![0]!.message, message);
  assert.equal(response.data ?? null, null, "no data at all");
}

describe("anonymous", () => {
  it("test_graphql_anonymous_gets401AndNothingElse", async () => {
    const anonymous = stack.client();
    const post = await anonymous.post("/graphql", { query: TOTAL_VISITS, variables: { range: RANGE } });
    assert.equal(post.status, 401);
    assert.deepEqual(Object.keys(post.body), ["errors"]);
    assert.equal(post.body.errors[0].extensions.code, "UNAUTHENTICATED");
    const get = await anonymous.get(`/graphql?query=${encodeURIComponent("{ __schema { types { name } } }")}`);
    assert.equal(get.status, 401, "not even the schema");
    assert.equal(get.body.data, undefined);
    const forged = await anonymous.post(
      "/graphql",
      { query: TOTAL_VISITS, variables: { range: RANGE } },
      {
        cookie: "ring_session=not-a-session",
      },
    );
    assert.equal(forged.status, 401);
  });
});

describe("a referrer", () => {
  it("test_funnel_referrerAskingForAnothersCode_isRefused", async () => {
    for (const query of [TOTAL_VISITS, DAILY_VISITS]) {
      const response = await graphql(asAlice, query, { range: RANGE, code: "BOB1" });
      assertRefused(response, "FORBIDDEN", /^code "BOB1" is not one of your codes$/);
    }
  });

  it("test_funnel_referrerAskingForAnUnknownCode_getsTheSameRefusal", async () => {
    // The same answer as for someone else's code: a referrer cannot probe which codes exist.
    const response = await graphql(asAlice, TOTAL_VISITS, { range: RANGE, code: "NOSUCHCODE" });
    assertRefused(response, "FORBIDDEN", /^code "NOSUCHCODE" is not one of your codes$/);
  });

  it("test_funnel_referrerAskingForAnothersWallet_isRefused", async () => {
    for (const query of [TOTAL_VISITS, DAILY_VISITS]) {
      const response = await graphql(asAlice, query, { range: RANGE, referrer: bob.address });
      assertRefused(response, "FORBIDDEN", new RegExp(`^referrer ${bob.address} is not one of your wallets`));
    }
    const mixed = await graphql(asAlice, TOTAL_VISITS, { range: RANGE, code: "BOB1", referrer: alice.address });
    assertRefused(mixed, "FORBIDDEN", /BOB1/);
  });

  it("test_funnel_referrerWithoutCodes_seesZerosNotOthersData", async () => {
    const stranger = stack.client();
    await signIn(stranger);
    const { data, errors } = await graphql(stranger, TOTAL_VISITS, { range: RANGE });
    assert.equal(errors, undefined);
    assert.deepEqual(data.funnel, { total: { visits: 0, orders: 0 }, byCode: [] });
  });

  it("test_adminQueries_referrer_isRefused", async () => {
    const top = await graphql(
      asAlice,
      `
        {
          topReferrers(range: { from: "2030-03-01", to: "2030-03-03" }) {
            rank
          }
        }
      `,
    );
    assertRefused(top, "FORBIDDEN", /^topReferrers is for admins only/);
    const reconciliation = await graphql(asAlice, "{ reconciliation { ok } }");
    assertRefused(reconciliation, "FORBIDDEN", /^reconciliation is for admins only/);
  });

  it("test_introspection_referrerRefused_adminAllowed", async () => {
    const query = "{ __schema { queryType { name } } }";
    assertRefused(await graphql(asAlice, query), "INTROSPECTION_FORBIDDEN", /admins only/);
    const typeQuery = '{ __type(name: "Funnel") { name } }';
    assertRefused(await graphql(asAlice, typeQuery), "INTROSPECTION_FORBIDDEN", /admins only/);
    const asAdmin = await graphql(admin, query);
    assert.deepEqual(asAdmin.data, { __schema: { queryType: { name: "Query" } } });
    // The same document again as a referrer: the admin's validation is cached, not the permission.
    assertRefused(await graphql(asAlice, query), "INTROSPECTION_FORBIDDEN", /admins only/);
    const typename = await graphql(asAlice, "{ __typename }");
    assert.deepEqual(typename.data, { __typename: "Query" });
  });
});

describe("an admin", () => {
  it("test_funnel_admin_seesEveryCodeAndAnyFilter", async () => {
    const all = await graphql(admin, TOTAL_VISITS, { range: RANGE });
    assert.deepEqual(all.data.funnel, {
      total: { visits: 10, orders: 10 },
      byCode: [{ code: "ALICE1" }, { code: "BOB1" }, { code: "ALICE2" }],
    });
    const bobs = await graphql(admin, TOTAL_VISITS, { range: RANGE, referrer: bob.address });
    assert.deepEqual(bobs.data.funnel, { total: { visits: 3, orders: 2 }, byCode: [{ code: "BOB1" }] });
    const viaGet = await admin.get(
      `/graphql?${new URLSearchParams({ query: TOTAL_VISITS, variables: JSON.stringify({ range: RANGE, code: "BOB1" }) })}`,
    );
    assert.equal(viaGet.status, 200);
    assert.deepEqual(viaGet.body.data.funnel.total, { visits: 3, orders: 2 });
  });

  it("test_funnel_adminAskingForUnknownCodeOrWallet_isToldWhich", async () => {
    assertRefused(await graphql(admin, TOTAL_VISITS, { range: RANGE, code: "NOPE" }), "NOT_FOUND", /^no code "NOPE"$/);
    const nobody = newAccount().address;
    assertRefused(
      await graphql(admin, TOTAL_VISITS, { range: RANGE, referrer: nobody }),
      "NOT_FOUND",
      new RegExp(`^no account has the wallet ${nobody}$`),
    );
    assertRefused(
      await graphql(admin, TOTAL_VISITS, { range: RANGE, code: "BOB1", referrer: alice.address }),
      "BAD_USER_INPUT",
      new RegExp(`^code "BOB1" does not belong to referrer ${alice.address}$`),
    );
  });
});
