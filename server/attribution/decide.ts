// The attribution rules as one pure function: facts in, decision out. Every rejection names
// its reason, which is stored on the order (or the user, for sign-ups).
import type { Address } from "viem";
import type { attributionReasons } from "../db/schema.ts";
import type { RefcodeRecord } from "../refcodes/lookup.ts";

export type AttributionReason = (typeof attributionReasons)[number];

export type AttributionDecision =
  | { decision: "none" }
  | { decision: "rejected"; reason: AttributionReason; code: string }
  | { decision: "accepted"; code: string; refcodeId: string; referrerUserId: string; referrerWallet: Address };

export interface AttributionFacts {
  /** The code the buyer arrived with, as given; undefined when there is none. */
  codeText: string | undefined;
  /** The code record, undefined when no code with that text exists. */
  code: RefcodeRecord | undefined;
  buyerUserId: string;
  /** Every wallet of the buyer: linked ones plus any the host platform named. */
  buyerWallets: readonly Address[];
  /** Every wallet of the code's owner, including the code's own payout wallet. */
  referrerWallets: readonly Address[];
  /** Purchases only: whether the buyer already has a paid order. Sign-ups pass false. */
  buyerHasPaidOrder: boolean;
}

export function decideAttribution(facts: AttributionFacts): AttributionDecision {
  if (facts.codeText === undefined) return { decision: "none" };
  const { code } = facts;
  const reject = (reason: AttributionReason): AttributionDecision => ({
    decision: "rejected",
    reason,
    code: code?.code ?? facts.codeText!,
  });
  if (!code) return reject("unknown_code");
  if (!code.active) return reject("inactive_code");
  if (code.userId === facts.buyerUserId) return reject("self_referral");
  const referrer = new Set(facts.referrerWallets.map((wallet) => wallet.toLowerCase()));
  if (facts.buyerWallets.some((wallet) => referrer.has(wallet.toLowerCase()))) return reject("wallet_overlap");
  if (facts.buyerHasPaidOrder) return reject("not_first_purchase");
  return {
    decision: "accepted",
    code: code.code,
    refcodeId: code.id,
    referrerUserId: code.userId,
    referrerWallet: code.wallet,
  };
}
