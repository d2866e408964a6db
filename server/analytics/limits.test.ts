// Abusive and bad requests to /graphql: the depth, cost and root-field limits refuse them before
// any SQL runs, with an error saying which limit; bad input gets an error naming the field.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import { graphql } from "./funnel-fixture.ts";
import { MAX_COST, MAX_DEPTH, MAX_ROOT_FIELDS } from "./limits.ts";

const adminAccount = newAccount();
let stack: TestStack;
let admin: TestClient;
let referrer: TestClient;

before(async () => {
  stack = await startTestStack({ env: { ADMIN_WALLETS: adminAccount.address } });
  admin = stack.client();
  await signIn(admin, adminAccount);
  referrer = stack.client();
  await signIn(referrer);
});
after(() => stack?.stop());

const RANGE = '{from: "2030-03-01", to: "2030-03-31"}';
const COUNTS = `visits uniqueVisitors signups orders attributedOrders rejectedAttributions { reason count }
  rewards { state count tokenAmount amounts { currency amountMinor } } paidOnChain { count tokenAmount }`;
const FULL_FUNNEL = `funnel(range: ${RANGE}) { from to total { ${COUNTS} }
  byCode { code active wallet referrer { id wallets } counts { ${COUNTS} } }
  byReferrer { referrer { id wallets } counts { ${COUNTS} } } }`;

/** Refused as a whole: one error whose message matches, no data. */
function assertRejected(response: Awaited<ReturnType<typeof graphql>>, message: RegExp) {
  assert.ok(response.errors && response.errors.length > 0, JSON.stringify(response));
  assert.match(response.errors![0]!.message, message);
  assert.equal(response.data ?? null, null, "nothing was run");
}

describe("limits", () => {
  it("test_limits_fullDashboardQuery_isAllowed", async () => {
    const query = `{ ${FULL_FUNNEL}
      daily(range: ${RANGE}) {
        day visits uniqueVisitors signups orders attributedOrders rewards rewardTokenAmount paidOnChain { count tokenAmount }
      }
      topReferrers(range: ${RANGE}, limit: 100) {
        rank referrer { id wallets } rewards rewardTokenAmount paidOnChain { count tokenAmount }
      }
    }`;
    const response = await graphql(admin, query);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.equal(response.data.daily.length, 31);
  });

  it("test_limits_tooDeepQuery_isRefusedByTheDepthLimit", async () => {
    // Fragments do not count (flattened), so the depth comes from nesting: 7 levels here. Valid
    // queries of this schema stop at 6, so the limit is what answers, before field validation.
    const query = `{ funnel(range: ${RANGE}) { byCode { counts { rewards { amounts { currency { deeper } } } } } } }`;
    assertRejected(await graphql(admin, query), new RegExp(`depth limit of ${MAX_DEPTH} exceeded, found 7`));
  });

  it("test_limits_aliasedFunnels_areRefusedByTheCostLimit", async () => {
    const aliases = [1, 2, 3, 4].map((i) => `f${i}: ${FULL_FUNNEL}`).join("\n");
    assertRejected(
      await graphql(admin, `{ ${aliases} }`),
      new RegExp(`Cost limit of ${MAX_COST} exceeded, found \\d+`),
    );
  });

  it("test_limits_manySmallRootFields_areRefusedByTheRootFieldLimit", async () => {
    const fields = (n: number) =>
      Array.from({ length: n }, (_, i) => `f${i}: funnel(range: ${RANGE}) { total { visits } }`).join("\n");
    const response = await graphql(
      referrer,
      `query { ...More } fragment More on Query { ${fields(MAX_ROOT_FIELDS + 1)} }`,
    );
    assertRejected(
      response,
      new RegExp(`root field limit of ${MAX_ROOT_FIELDS} exceeded, found ${MAX_ROOT_FIELDS + 1}`),
    );
    const allowed = await graphql(referrer, `{ __typename ${fields(MAX_ROOT_FIELDS)} }`);
    assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
  });

  it("test_limits_oversizedBody_is413", async () => {
    const response = await admin.post("/graphql", { query: `{ __typename }`, padding: "x".repeat(70_000) });
    assert.equal(response.status, 413);
  });
});

describe("bad input", () => {
  const funnel = (range: string, extra = "") => `{ funnel(range: ${range}${extra}) { total { visits } } }`;

  it("test_input_fromAfterTo_isNamed", async () => {
    const response = await graphql(referrer, funnel('{from: "2030-03-05", to: "2030-03-01"}'));
    assertRejected(response, /^range: from \(2030-03-05\) is after to \(2030-03-01\)$/);
    assert.equal(response.errors![0]!.extensions?.code, "BAD_USER_INPUT");
  });

  it("test_input_notARealDay_isNamed", async () => {
    for (const day of ["2030-02-30", "2030-3-01", "yesterday", "1969-12-31"]) {
      const response = await graphql(referrer, funnel(`{from: "${day}", to: "2030-03-01"}`));
      assertRejected(
        response,
        new RegExp(
          `^Expected value of type "Date!", found "${day}"; expected a UTC calendar day YYYY-MM-DD from 1970 on`,
        ),
      );
    }
    const asVariable = await graphql(referrer, "query Q($range: DateRange!) { daily(range: $range) { day } }", {
      range: { from: "2030-13-01", to: "2030-03-01" },
    });
    assertRejected(asVariable, /\$range.*from.*expected a UTC calendar day YYYY-MM-DD from 1970 on, got "2030-13-01"/);
  });

  it("test_input_rangeTooLong_isNamed", async () => {
    const response = await graphql(referrer, funnel('{from: "2030-01-01", to: "2031-01-02"}'));
    assertRejected(response, /^range: at most 366 days, got 367 \(2030-01-01 to 2031-01-02\)$/);
  });

  it("test_input_limitOutOfRange_isNamed", async () => {
    for (const limit of [0, 101, -5]) {
      const response = await graphql(admin, `{ topReferrers(range: ${RANGE}, limit: ${limit}) { rank } }`);
      assertRejected(response, new RegExp(`^limit: expected 1 to 100, got ${limit}$`));
    }
  });

  it("test_input_badReferrerOrCode_isNamed", async () => {
    assertRejected(
      await graphql(admin, funnel(RANGE, ', referrer: "0x1234"')),
      /^referrer: expected a 0x-prefixed 20-byte wallet address, got "0x1234"$/,
    );
    assertRejected(
      await graphql(admin, funnel(RANGE, `, code: "${"c".repeat(65)}"`)),
      /^code: expected 1 to 64 characters, got 65$/,
    );
  });
});
