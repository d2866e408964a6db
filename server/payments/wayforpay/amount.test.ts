import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decimalToMinor, minorToDecimal, shortestDecimal } from "./amount.ts";

describe("decimalToMinor", () => {
  it("converts exactly, whatever the number of fraction digits up to the exponent", () => {
    assert.equal(decimalToMinor("1547.36", 2), 154736n);
    assert.equal(decimalToMinor("1547.30", 2), 154730n);
    assert.equal(decimalToMinor("1547.3", 2), 154730n);
    assert.equal(decimalToMinor("149", 2), 14900n);
    assert.equal(decimalToMinor("0.01", 2), 1n);
    assert.equal(decimalToMinor("0", 2), 0n);
    assert.equal(decimalToMinor("1000", 0), 1000n);
    assert.equal(decimalToMinor("1.234", 3), 1234n);
    // Far beyond a float's precision: still exact.
    assert.equal(decimalToMinor("90071992547409931.99", 2), 9007199254740993199n);
  });

  it("accepts digits past the exponent only when they are zeros (the same amount)", () => {
    assert.equal(decimalToMinor("1547.300", 2), 154730n);
    assert.equal(decimalToMinor("1000.0", 0), 1000n);
    assert.match(decimalToMinor("1547.301", 2) as string, /more than 2 decimal places/);
    assert.match(decimalToMinor("1.5", 0) as string, /more than 0 decimal places/);
  });

  it("refuses negative, non-numeric, exponent and sloppy forms", () => {
    for (const text of ["-1", "-0.01"]) assert.match(decimalToMinor(text, 2) as string, /negative/);
    for (const text of [
      "abc",
      "1e3",
      "1.5E2",
      "+1",
      " 1",
      "1 ",
      "1.",
      ".5",
      "01.5",
      "1,50",
      "0x10",
      "NaN",
      "Infinity",
    ]) {
      assert.match(decimalToMinor(text, 2) as string, /plain decimal/, text);
    }
    assert.match(decimalToMinor("", 2) as string, /empty/);
    assert.match(decimalToMinor("1".repeat(41), 2) as string, /longer than/);
  });
});

describe("minorToDecimal", () => {
  it("prints the shortest exact decimal", () => {
    assert.equal(minorToDecimal(154736n, 2), "1547.36");
    assert.equal(minorToDecimal(154730n, 2), "1547.3");
    assert.equal(minorToDecimal(100000n, 2), "1000");
    assert.equal(minorToDecimal(5n, 2), "0.05");
    assert.equal(minorToDecimal(0n, 2), "0");
    assert.equal(minorToDecimal(1000n, 0), "1000");
    assert.equal(minorToDecimal(1n, 3), "0.001");
    assert.throws(() => minorToDecimal(-1n, 2), RangeError);
  });

  it("round-trips through decimalToMinor for every amount and exponent", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 4 }), (minor, exponent) => {
        assert.equal(decimalToMinor(minorToDecimal(minor, exponent), exponent), minor);
      }),
      { numRuns: 300 },
    );
  });
});

describe("shortestDecimal", () => {
  it("drops trailing fraction zeros and a bare point", () => {
    assert.equal(shortestDecimal("1547.30"), "1547.3");
    assert.equal(shortestDecimal("149.00"), "149");
    assert.equal(shortestDecimal("1547.36"), "1547.36");
    assert.equal(shortestDecimal("100"), "100");
    assert.equal(shortestDecimal("1e3"), null);
    assert.equal(shortestDecimal("-1.0"), null);
  });
});
