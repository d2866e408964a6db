// GET /api/verify/{orderReference}: public, the chain's proof for an order and the ledger's
// verdict; the ledger's terms only once the chain has disclosed them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import { startTestStack, type TestStack } from "../../test/harness.ts";
import { type MinterFixtures, minterFixtures } from "../../test/minter-fixtures.ts";
import type { RewardRow } from "../ledger/transition.ts";
import { runMinter } from "../minter/run.ts";

let stack: TestStack;
let f: MinterFixtures;
let minted: RewardRow | undefined;
let approved: RewardRow | undefined;

before(async () => {
  stack = await startTestStack();
  f = await minterFixtures(stack);
  [minted] = await f.insertRewards(1, { referrers: 1 });
  await runMinter(f.minter());
  [approved] = await f.insertRewards(1, { referrers: 1 });
});
after(() => stack?.stop());

const verify = async (reference: string) => {
  const response = await fetch(`${stack.url}/api/verify/${encodeURIComponent(reference)}`);
  return { status: response.status, body: await response.json() };
};

describe("GET /api/verify/{orderReference}", () => {
  it("test_verify_paidOrder_showsTheProofAndTheLedgerRow", async () => {
    const { status, body } = await verify(minted!.orderReference);
    assert.equal(status, 200);
    assert.equal(body.orderRef, orderRefOf(minted!.orderReference));
    assert.equal(body.paidOrders, true);
    assert.deepEqual(body.payment, { referrer: minted!.referrerWallet, amount: minted!.tokenAmount });
    assert.equal(body.events.length, 1);
    assert.equal(body.ledgerDisclosed, true);
    assert.equal(body.ledger.state, "minted");
    assert.equal(body.ledger.txHash, body.events[0].txHash);
    assert.equal(body.agrees, true);
  });

  it("test_verify_unpaidOrder_keepsTheLedgerTermsPrivate", async () => {
    const { status, body } = await verify(approved!.orderReference);
    assert.equal(status, 200);
    assert.equal(body.paidOrders, false);
    assert.equal(body.payment, null);
    assert.equal(body.ledger, null);
    assert.equal(body.ledgerDisclosed, false);
    assert.equal(body.agrees, true);
    assert.ok(!JSON.stringify(body).includes(approved!.referrerWallet.toLowerCase().slice(2)));
  });

  it("test_verify_ledgerClaimsMintedUnpaid_disagreesWithoutNamingTheReferrer", async () => {
    await f.tamper(approved!.id, { state: "minted" });
    try {
      const { body } = await verify(approved!.orderReference);
      assert.equal(body.agrees, false);
      assert.deepEqual(
        body.findings.map((finding: { kind: string }) => finding.kind),
        ["minted_not_paid"],
      );
      assert.ok(!JSON.stringify(body).toLowerCase().includes(approved!.referrerWallet.toLowerCase().slice(2)));
    } finally {
      await f.tamper(approved!.id, { state: "approved" });
    }
  });

  it("test_verify_unknownOrder_isNotPaidWithNoRow", async () => {
    const { status, body } = await verify("no-such-order");
    assert.equal(status, 200);
    assert.equal(body.paidOrders, false);
    assert.equal(body.ledger, null);
    assert.equal(body.agrees, true);
  });

  it("test_verify_tooLongReference_is400NamingTheParameter", async () => {
    const { status, body } = await verify("x".repeat(201));
    assert.equal(status, 400);
    assert.match(body.message, /orderReference/);
  });
});
