import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { currencyExponent, UnknownCurrencyError } from "../../rewards/money.ts";
import { fromStripeAmount, stripeCurrencyExponent, toStripeAmount } from "./currency.ts";

describe("Stripe amounts versus this system's minor units", () => {
  it("are the same where Stripe and the runtime agree: USD 2, JPY 0, KWD 3 digits", () => {
    for (const [currency, digits] of [
      ["USD", 2],
      ["EUR", 2],
      ["JPY", 0],
      ["KRW", 0],
      ["KWD", 3],
    ] as const) {
      assert.equal(stripeCurrencyExponent(currency), digits);
      assert.equal(currencyExponent(currency), digits);
      assert.equal(fromStripeAmount(4_900n, currency), 4_900n);
      assert.equal(toStripeAmount(4_900n, currency), 4_900n);
    }
  });

  it("rescale where Stripe counts hundredths of a currency the runtime counts whole (ISK, HUF, IDR)", () => {
    for (const currency of ["ISK", "HUF", "IDR"]) {
      assert.equal(stripeCurrencyExponent(currency), 2);
      assert.equal(currencyExponent(currency), 0);
      assert.equal(toStripeAmount(5_000n, currency), 500_000n);
      assert.equal(fromStripeAmount(500_000n, currency), 5_000n);
    }
    assert.equal(fromStripeAmount(1_045n, "HUF"), null, "10.45 Ft is not a whole forint");
  });

  it("round-trip exactly or refuse where Stripe has fewer digits than the runtime (only LYD)", () => {
    const fewer = Intl.supportedValuesOf("currency").filter((c) => stripeCurrencyExponent(c) < currencyExponent(c));
    assert.deepEqual(fewer, ["LYD"]);
    assert.equal(toStripeAmount(5_120n, "LYD"), 512n);
    assert.equal(toStripeAmount(5_125n, "LYD"), null);
    assert.equal(fromStripeAmount(512n, "LYD"), 5_120n);
  });

  it("throw money.ts's UnknownCurrencyError for a code the runtime does not know", () => {
    assert.throws(() => fromStripeAmount(1n, "XYZ"), UnknownCurrencyError);
  });
});
