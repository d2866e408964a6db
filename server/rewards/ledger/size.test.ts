import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Price } from "../prices/errors.ts";
import { PriceUnavailableError } from "../prices/errors.ts";
import { type Sizer, sizeReward } from "./size.ts";

const at = new Date("2026-11-21T00:00:00Z");
const sizerAt = (price: Price | Error): Sizer => ({
  price: async () => {
    if (price instanceof Error) throw price;
    return price;
  },
  tokenDecimals: async () => 18,
});

describe("sizeReward", () => {
  it("sizes with the price, rounding down, and records the price used", async () => {
    const sizing = await sizeReward(sizerAt({ answer: 3n * 10n ** 8n, decimals: 8, source: "desk", round: null, at }), {
      currency: "USD",
      rewardMinor: 1000n,
    });
    // 10.00 USD at 3 USD per token = 3.333… tokens, floored at the wei
    assert.equal(sizing.sizing, "sized");
    assert.equal(sizing.tokenAmount, "3333333333333333333");
    assert.equal(sizing.priceAnswer, "300000000");
  });

  it("leaves a reward that rounds down to zero tokens waiting, never sized at 0", async () => {
    const sizing = await sizeReward(sizerAt({ answer: 10n ** 30n, decimals: 8, source: "desk", round: null, at }), {
      currency: "EUR",
      rewardMinor: 1000n,
    });
    assert.equal(sizing.sizing, "pending_price");
    assert.equal(sizing.tokenAmount, null);
    assert.match(sizing.sizingError ?? "", /less than one token unit/);
  });

  it("leaves a reward without a price waiting, with the reason", async () => {
    const sizing = await sizeReward(
      sizerAt(new PriceUnavailableError("no_source", "no price source", { currency: "EUR" })),
      {
        currency: "EUR",
        rewardMinor: 1000n,
      },
    );
    assert.equal(sizing.sizing, "pending_price");
    assert.equal(sizing.tokenAmount, null);
    assert.match(sizing.sizingError ?? "", /no price source/);
  });
});
