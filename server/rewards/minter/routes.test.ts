import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { rewards } from "../../db/schema.ts";
import { insertCode } from "../../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../../test/harness.ts";

const CRON_SECRET = "a-cron-secret-of-some-length";
let stack: TestStack;
let admin: TestClient;
before(async () => {
  stack = await startTestStack({ env: { CRON_SECRET } });
  admin = stack.client();
  await signIn(admin, privateKeyToAccount(anvilKeys.deployer));
  await admin.request("PUT", "/api/admin/price-sources/USD", { json: { kind: "desk" } });
  await admin.request("PUT", "/api/admin/desk-rates/USD", { json: { answer: "1", decimals: 0 } });
});
after(() => stack?.stop());

/** A credit-paid, attributed order: its reward is approved at once. */
async function approvedReward() {
  const code = await insertCode(stack.server.deps.db, newAccount().address);
  const buyer = stack.client();
  buyer.cookies.set("ring_ref", code.code);
  const { session } = await signIn(buyer);
  await admin.post("/api/admin/credit/grants", { userId: session.userId, currency: "USD", amountMinor: 500 });
  const order = await buyer.post("/api/orders", { amountMinor: 500, currency: "USD" });
  await buyer.post(`/api/orders/${order.body.orderReference}/pay-with-credit`);
  return order.body.orderReference as string;
}

const stateOf = async (orderReference: string) =>
  (await stack.server.deps.db.select().from(rewards).where(eq(rewards.orderReference, orderReference)))[0]?.state;

describe("minter triggers", () => {
  it("runs from the cron route with the bearer secret only", async () => {
    const ref = await approvedReward();
    assert.equal(await stateOf(ref), "approved");
    assert.equal((await stack.client().get("/api/cron/refcodes-mint")).status, 401);
    const wrong = await stack.client().get("/api/cron/refcodes-mint", { authorization: "Bearer nope" });
    assert.equal(wrong.status, 401);
    assert.equal(await stateOf(ref), "approved");
    const run = await stack.client().get("/api/cron/refcodes-mint", { authorization: `Bearer ${CRON_SECRET}` });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.ran, true);
    assert.equal(run.body.minted, 1);
    assert.equal(await stateOf(ref), "minted");
  });

  it("runs on an admin's mint now, and refuses others", async () => {
    const ref = await approvedReward();
    const referrer = stack.client();
    await signIn(referrer);
    assert.equal((await referrer.post("/api/admin/mint")).status, 403);
    const run = await admin.post("/api/admin/mint");
    assert.equal(run.status, 200);
    assert.equal(run.body.minted, 1);
    assert.equal(run.body.batches.length, 1);
    assert.match(run.body.batches[0].txHash, /^0x[0-9a-f]{64}$/);
    assert.equal(await stateOf(ref), "minted");
    const mine = await admin.get("/api/admin/rewards?state=minted");
    assert.ok(
      mine.body.rewards.some((r: { orderReference: string; txHash: string }) => r.orderReference === ref && r.txHash),
    );
  });
});

describe("cron route without CRON_SECRET", () => {
  let plain: TestStack;
  before(async () => {
    plain = await startTestStack();
  });
  after(() => plain?.stop());

  it("does not exist", async () => {
    const response = await plain
      .client()
      .get("/api/cron/refcodes-mint", { authorization: "Bearer anything-at-all-here" });
    assert.equal(response.status, 404);
    assert.equal(response.body.error, "cron_disabled");
  });
});
