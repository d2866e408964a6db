import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  AmountOverflowError,
  assertUint96,
  type CommissionOrder,
  type CommissionProgram,
  computeCommission,
  currencyExponent,
  formatMoney,
  InvalidAmountError,
  isKnownCurrency,
  InvalidPriceError,
  MAX_UINT96,
  toTokenUnits,
  UnknownCurrencyError,
} from "./money.ts";

const program: CommissionProgram = { defaultBps: 1_000, membershipBps: 2_000, capBps: 5_000 };
const store = (
  amountMinor: number,
  lineItems: { quantity: number; unitAmountMinor: number; commissionBps?: number }[] = [],
) => ({ kind: "store", amountMinor, lineItems }) as const;

describe("computeCommission", () => {
  it("applies the default rate to a store order without items, rounding down", () => {
    assert.deepEqual(computeCommission(store(4_999), program), { rewardMinor: 499n, commissionBps: 998 });
    assert.deepEqual(computeCommission(store(10_000), program), { rewardMinor: 1_000n, commissionBps: 1_000 });
    assert.deepEqual(computeCommission(store(9), program), { rewardMinor: 0n, commissionBps: 0 });
  });

  it("applies the membership rate to a membership", () => {
    const result = computeCommission({ kind: "membership", amountMinor: 12_345, lineItems: [] }, program);
    assert.deepEqual(result, { rewardMinor: 2_469n, commissionBps: 2_000 });
  });

  it("weights per-item rates by the cart, with one floor on the sum", () => {
    // 2 × 1000 at 5 % + 1 × 3000 at the default 10 % = 100 + 300 = 400 of 5000: 8 %.
    const result = computeCommission(
      store(5_000, [
        { quantity: 2, unitAmountMinor: 1_000, commissionBps: 500 },
        { quantity: 1, unitAmountMinor: 3_000 },
      ]),
      program,
    );
    assert.deepEqual(result, { rewardMinor: 400n, commissionBps: 800 });
    // 3 items of 333 at 10 %: 99.9 floors once to 99 (per-item floors would give 99 too, 3 × 33).
    assert.equal(computeCommission(store(999, [{ quantity: 3, unitAmountMinor: 333 }]), program).rewardMinor, 99n);
    // 3 × 5 at 10 %: one floor on 1.5 gives 1; a floor per unit would give 0.
    assert.equal(computeCommission(store(15, [{ quantity: 3, unitAmountMinor: 5 }]), program).rewardMinor, 1n);
  });

  it("caps the total", () => {
    const generous = { ...program, defaultBps: 9_000, membershipBps: 10_000 };
    assert.deepEqual(computeCommission(store(1_001), generous), { rewardMinor: 500n, commissionBps: 4_995 });
    assert.equal(computeCommission({ kind: "membership", amountMinor: 100, lineItems: [] }, generous).rewardMinor, 50n);
    const items = store(1_000, [{ quantity: 1, unitAmountMinor: 1_000, commissionBps: 10_000 }]);
    assert.deepEqual(computeCommission(items, program), { rewardMinor: 500n, commissionBps: 5_000 });
    assert.equal(computeCommission(items, { ...program, capBps: 0 }).rewardMinor, 0n);
  });

  it("rejects rates and amounts out of range", () => {
    assert.throws(() => computeCommission(store(100), { ...program, capBps: 10_001 }), InvalidAmountError);
    assert.throws(() => computeCommission(store(100), { ...program, defaultBps: 1.5 }), InvalidAmountError);
    assert.throws(() => computeCommission(store(-1), program), InvalidAmountError);
    assert.throws(() => computeCommission(store(100.5), program), InvalidAmountError);
    assert.throws(
      () => computeCommission(store(100, [{ quantity: 1, unitAmountMinor: 100, commissionBps: -1 }]), program),
      InvalidAmountError,
    );
  });

  const bpsArb = fc.integer({ min: 0, max: 10_000 });
  const programArb = fc.record({ defaultBps: bpsArb, membershipBps: bpsArb, capBps: bpsArb });
  const amountArb = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
  const itemArb = fc.record({
    quantity: fc.integer({ min: 1, max: 10_000 }),
    unitAmountMinor: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    commissionBps: fc.option(bpsArb, { nil: undefined }),
  });
  const orderArb = fc.oneof(
    fc.record({ kind: fc.constant("membership" as const), amountMinor: amountArb, lineItems: fc.constant([]) }),
    fc.record({ kind: fc.constant("store" as const), amountMinor: amountArb, lineItems: fc.constant([]) }),
    fc.array(itemArb, { minLength: 1, maxLength: 20 }).map((lineItems) => {
      const sum = lineItems.reduce((s, i) => s + BigInt(i.quantity) * BigInt(i.unitAmountMinor), 0n);
      // The order amount equals the items' sum when it fits, as the orders API enforces.
      const amountMinor = sum > 0n && sum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sum) : Number.MAX_SAFE_INTEGER;
      return { kind: "store" as const, amountMinor, lineItems };
    }),
  );

  /** The exact, unrounded reward × 10 000 (a rational with denominator 10 000), before the cap. */
  function exactTimesBps(order: CommissionOrder, p: CommissionProgram): bigint {
    if (order.kind === "membership") return BigInt(order.amountMinor) * BigInt(p.membershipBps);
    if (order.lineItems.length === 0) return BigInt(order.amountMinor) * BigInt(p.defaultBps);
    return order.lineItems.reduce(
      (s, i) => s + BigInt(i.quantity) * BigInt(i.unitAmountMinor) * BigInt(i.commissionBps ?? p.defaultBps),
      0n,
    );
  }

  it("property: the floor of the exact value (never rounds up, never drops a whole unit), or the cap", () => {
    fc.assert(
      fc.property(orderArb, programArb, (order, p) => {
        const { rewardMinor, commissionBps } = computeCommission(order, p);
        const exact = exactTimesBps(order, p);
        const capExact = BigInt(order.amountMinor) * BigInt(p.capBps);
        const bound = exact < capExact ? exact : capExact;
        // rewardMinor = floor(bound / 10 000): reward ≤ exact and reward > exact − 1.
        assert.ok(rewardMinor * 10_000n <= bound);
        assert.ok((rewardMinor + 1n) * 10_000n > bound);
        // The cap holds.
        assert.ok(rewardMinor * 10_000n <= capExact);
        // The effective rate is floored too, and within 0..capBps.
        assert.ok(Number.isSafeInteger(commissionBps) && commissionBps >= 0 && commissionBps <= p.capBps);
        assert.ok(BigInt(commissionBps) * BigInt(order.amountMinor) <= rewardMinor * 10_000n);
      }),
      { numRuns: 2_000 },
    );
  });

  it("property: monotonic in the amount", () => {
    fc.assert(
      fc.property(amountArb, amountArb, programArb, fc.constantFrom("store", "membership"), (a, b, p, kind) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const r = (amountMinor: number) => computeCommission({ kind, amountMinor, lineItems: [] }, p).rewardMinor;
        assert.ok(r(lo) <= r(hi));
      }),
      { numRuns: 2_000 },
    );
  });

  it("property: no overflow at the extremes (exact bigint results)", () => {
    const max = Number.MAX_SAFE_INTEGER;
    const full = { defaultBps: 10_000, membershipBps: 10_000, capBps: 10_000 };
    assert.equal(computeCommission(store(max), full).rewardMinor, BigInt(max));
    const items = Array.from({ length: 100 }, () => ({
      quantity: 10_000,
      unitAmountMinor: max,
      commissionBps: 10_000,
    }));
    assert.equal(computeCommission(store(max, items), full).rewardMinor, BigInt(max));
    assert.equal(computeCommission(store(max), { ...full, capBps: 5_000 }).rewardMinor, BigInt(max) / 2n);
  });
});

describe("currencyExponent", () => {
  it("knows ISO 4217 minor digits", () => {
    assert.equal(currencyExponent("USD"), 2);
    assert.equal(currencyExponent("EUR"), 2);
    assert.equal(currencyExponent("JPY"), 0);
    assert.equal(currencyExponent("BHD"), 3);
  });

  it("throws a typed error for an unknown code", () => {
    assert.throws(() => currencyExponent("XQQ"), UnknownCurrencyError);
    assert.throws(() => currencyExponent("usd!"), UnknownCurrencyError);
  });
});

describe("formatMoney", () => {
  it("prints every minor digit of the currency", () => {
    assert.equal(formatMoney(154730n, "UAH"), "1547.30 UAH");
    assert.equal(formatMoney(5n, "USD"), "0.05 USD");
    assert.equal(formatMoney(-250n, "USD"), "-2.50 USD");
    assert.equal(formatMoney(1000n, "JPY"), "1000 JPY");
    assert.equal(formatMoney(1234n, "BHD"), "1.234 BHD");
    assert.equal(formatMoney(7n, null), "7 minor units");
    assert.equal(formatMoney(7n, "XQQ"), "7 minor units");
  });
});

describe("isKnownCurrency", () => {
  it("knows upper-case ISO 4217 codes only", () => {
    for (const code of ["USD", "UAH", "JPY", "BHD"]) assert.equal(isKnownCurrency(code), true, code);
    for (const code of ["XQQ", "usd", "US", "USDT", "", "toString"]) assert.equal(isKnownCurrency(code), false, code);
  });
});

describe("toTokenUnits", () => {
  const usd = (answer: bigint, decimals = 8) => ({ answer, decimals });

  it("converts at the price, rounding down", () => {
    // $12.34 at $2 per token (18 decimals): 6.17 tokens.
    const wei = toTokenUnits({ rewardMinor: 1_234n, currency: "USD", price: usd(200_000_000n), tokenDecimals: 18 });
    assert.equal(wei, 6_170_000_000_000_000_000n);
    // $1.00 at $3 per token: 0.333… tokens, floored to the wei.
    assert.equal(
      toTokenUnits({ rewardMinor: 100n, currency: "USD", price: usd(300_000_000n), tokenDecimals: 18 }),
      333_333_333_333_333_333n,
    );
    // ¥500 at ¥150.5 per token (JPY has no minor digits), 6-decimal token.
    assert.equal(
      toTokenUnits({ rewardMinor: 500n, currency: "JPY", price: usd(1_505n, 1), tokenDecimals: 6 }),
      3_322_259n,
    );
    assert.equal(toTokenUnits({ rewardMinor: 0n, currency: "USD", price: usd(1n), tokenDecimals: 18 }), 0n);
  });

  it("rejects a zero or negative price", () => {
    for (const answer of [0n, -1n, -200_000_000n]) {
      assert.throws(
        () => toTokenUnits({ rewardMinor: 100n, currency: "USD", price: usd(answer), tokenDecimals: 18 }),
        InvalidPriceError,
      );
    }
  });

  it("rejects an unknown currency and an amount above uint96", () => {
    assert.throws(
      () => toTokenUnits({ rewardMinor: 100n, currency: "XQQ", price: usd(1n), tokenDecimals: 18 }),
      UnknownCurrencyError,
    );
    // 2^53 cents at 10^-8 dollars per token: far above uint96.
    assert.throws(
      () => toTokenUnits({ rewardMinor: 2n ** 53n, currency: "USD", price: usd(1n), tokenDecimals: 18 }),
      AmountOverflowError,
    );
    assert.equal(assertUint96(MAX_UINT96), MAX_UINT96);
    assert.throws(() => assertUint96(MAX_UINT96 + 1n), AmountOverflowError);
  });

  it("property: wei × price ≤ reward < (wei + 1) × price", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
        fc.constantFrom("USD", "JPY", "BHD", "EUR"),
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.integer({ min: 0, max: 18 }),
        fc.integer({ min: 0, max: 18 }),
        (rewardMinor, currency, answer, decimals, tokenDecimals) => {
          const scale = 10n ** BigInt(currencyExponent(currency));
          const earned = rewardMinor * 10n ** BigInt(tokenDecimals) * 10n ** BigInt(decimals);
          let wei: bigint;
          try {
            wei = toTokenUnits({ rewardMinor, currency, price: { answer, decimals }, tokenDecimals });
          } catch (error) {
            assert.ok(error instanceof AmountOverflowError);
            assert.ok(earned / (scale * answer) > MAX_UINT96);
            return;
          }
          // Both sides scaled by 10^exponent × 10^decimals × 10^tokenDecimals.
          assert.ok(wei * answer * scale <= earned);
          assert.ok((wei + 1n) * answer * scale > earned);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
