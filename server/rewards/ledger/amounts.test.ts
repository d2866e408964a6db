import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { shareOfRemainder } from "./amounts.ts";

test("shareOfRemainder_partialRefunds_neverCompound", () => {
  // 1,000 minor units of reward on a 3,000 order: a third refunded leaves 666 (not 667), two
  // thirds 333, all of it 0.
  assert.equal(shareOfRemainder(1000n, 3000n, 0n), 1000n);
  assert.equal(shareOfRemainder(1000n, 3000n, 1000n), 666n);
  assert.equal(shareOfRemainder(1000n, 3000n, 2000n), 333n);
  assert.equal(shareOfRemainder(1000n, 3000n, 3000n), 0n);
});

test("shareOfRemainder_refundOutsideOrder_throws", () => {
  assert.throws(() => shareOfRemainder(10n, 100n, 101n), /outside 0..100/);
  assert.throws(() => shareOfRemainder(10n, 100n, -1n), /outside/);
  assert.throws(() => shareOfRemainder(10n, 0n, 0n), /positive/);
});

test("shareOfRemainder_anyRefunds_isMonotoneAndBounded", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n ** 96n }),
      fc.bigInt({ min: 1n, max: 10n ** 12n }),
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      (gross, base, a, b) => {
        const [low, high] = [a % (base + 1n), b % (base + 1n)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        const more = shareOfRemainder(gross, base, low!);
        const less = shareOfRemainder(gross, base, high!);
        assert.ok(less <= more && more <= gross);
        // Within one unit of the exact proportion.
        assert.ok(more * base <= gross * (base - low!) && (more + 1n) * base > gross * (base - low!));
      },
    ),
  );
});
