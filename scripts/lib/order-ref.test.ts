import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { orderRefOf } from "./order-ref.ts";

describe("orderRefOf", () => {
  it("is keccak256 of the UTF-8 bytes of the order reference", () => {
    // keccak256("") is well known; "abc" checked against an independent implementation.
    assert.equal(orderRefOf("abc"), "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    assert.notEqual(orderRefOf("order-1"), orderRefOf("order-2"));
    assert.equal(orderRefOf("замовлення-1"), orderRefOf("замовлення-1"));
  });

  it("rejects an empty reference", () => {
    assert.throws(() => orderRefOf(""), TypeError);
  });
});
