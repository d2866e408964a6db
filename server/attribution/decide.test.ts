import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Address } from "viem";
import { type AttributionFacts, decideAttribution } from "./decide.ts";

const referrerWallet = "0x1111111111111111111111111111111111111111" as Address;
const buyerWallet = "0x2222222222222222222222222222222222222222" as Address;
const code = { id: "code-id", code: "ALICE", userId: "referrer", wallet: referrerWallet, active: true };

const facts = (overrides: Partial<AttributionFacts> = {}): AttributionFacts => ({
  codeText: "alice",
  code,
  buyerUserId: "buyer",
  buyerWallets: [buyerWallet],
  referrerWallets: [referrerWallet],
  buyerHasPaidOrder: false,
  ...overrides,
});

describe("decideAttribution", () => {
  it("accepts a clean first purchase with the code's owner and payout wallet", () => {
    assert.deepEqual(decideAttribution(facts()), {
      decision: "accepted",
      code: "ALICE",
      refcodeId: "code-id",
      referrerUserId: "referrer",
      referrerWallet,
    });
  });

  it("decides nothing without a code", () => {
    assert.deepEqual(decideAttribution(facts({ codeText: undefined, code: undefined })), { decision: "none" });
  });

  it("names each rejection", () => {
    const reason = (f: AttributionFacts) => {
      const decision = decideAttribution(f);
      return decision.decision === "rejected" ? decision.reason : decision.decision;
    };
    assert.equal(reason(facts({ code: undefined, codeText: "ghost" })), "unknown_code");
    assert.equal(reason(facts({ code: { ...code, active: false } })), "inactive_code");
    assert.equal(reason(facts({ buyerUserId: "referrer" })), "self_referral");
    assert.equal(
      reason(facts({ buyerWallets: [buyerWallet, referrerWallet.toUpperCase() as Address] })),
      "wallet_overlap",
    );
    assert.equal(reason(facts({ buyerHasPaidOrder: true })), "not_first_purchase");
  });

  it("keeps the code text of an unknown code for the record", () => {
    const decision = decideAttribution(facts({ code: undefined, codeText: "ghost" }));
    assert.deepEqual(decision, { decision: "rejected", reason: "unknown_code", code: "ghost" });
  });

  it("accepts only when every guard passes (property)", () => {
    const wallet = fc.constantFrom(
      referrerWallet,
      buyerWallet,
      "0x3333333333333333333333333333333333333333" as Address,
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom("buyer", "referrer"),
        fc.array(wallet, { maxLength: 3 }),
        fc.array(wallet, { maxLength: 3 }),
        fc.boolean(),
        (known, active, buyerUserId, buyerWallets, otherReferrerWallets, buyerHasPaidOrder) => {
          const referrerWallets = [referrerWallet, ...otherReferrerWallets];
          const decision = decideAttribution(
            facts({
              code: known ? { ...code, active } : undefined,
              buyerUserId,
              buyerWallets,
              referrerWallets,
              buyerHasPaidOrder,
            }),
          );
          const overlap = buyerWallets.some((w) => referrerWallets.includes(w));
          const clean = known && active && buyerUserId !== "referrer" && !overlap && !buyerHasPaidOrder;
          assert.equal(decision.decision, clean ? "accepted" : "rejected");
        },
      ),
    );
  });
});
