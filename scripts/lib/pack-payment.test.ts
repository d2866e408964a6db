import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import { PaymentPackError, packPayment, unpackPayment } from "./pack-payment.ts";

const referrer = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

describe("packPayment", () => {
  it("puts the referrer in the high 160 bits and the amount in the low 96", () => {
    const packed = packPayment(referrer, 1_500n);
    assert.equal(packed >> 96n, BigInt(referrer));
    assert.equal(packed & ((1n << 96n) - 1n), 1_500n);
    assert.deepEqual(unpackPayment(packed), { referrer, amount: 1_500n });
  });

  it("accepts the largest uint96 and rejects zero, negative and larger amounts", () => {
    const max = (1n << 96n) - 1n;
    assert.equal(unpackPayment(packPayment(referrer, max)).amount, max);
    for (const amount of [0n, -1n, 1n << 96n]) {
      assert.throws(() => packPayment(referrer, amount), PaymentPackError);
    }
  });

  it("rejects a malformed address", () => {
    assert.throws(() => packPayment("0x1234" as `0x${string}`, 1n), /invalid referrer address/);
  });
});
