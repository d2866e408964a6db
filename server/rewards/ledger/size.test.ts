import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Deployment } from "../../../deployments/schema.ts";
import { connectChain } from "../../chain.ts";
import type { Db } from "../../db/client.ts";
import type { Price } from "../prices/errors.ts";
import { PriceUnavailableError } from "../prices/errors.ts";
import { type Sizer, sizeReward } from "./size.ts";
import { createSizer } from "./sizer.ts";
import { closedPortUrl } from "../../test/fixtures.ts";

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

describe("createSizer", () => {
  it("turns an unreadable token (RPC down) into pending_price with the reason, never a thrown hook", async () => {
    const token = "0x000000000000000000000000000000000000dEaD";
    const deployment: Partial<Deployment> = { chainId: 31337, token, proxy: token };
    const chain = connectChain(await closedPortUrl(), deployment as Deployment);
    // Only its tokenDecimals is used here (the price below is a stub): no database is needed.
    const sizer = createSizer(undefined as unknown as Db, chain);
    await assert.rejects(sizer.tokenDecimals(), (error: unknown) => {
      assert.ok(error instanceof PriceUnavailableError, String(error));
      assert.equal(error.reason, "unreachable");
      assert.match(
        error.message,
        new RegExp(`^price unavailable \\(unreachable\\): could not read the decimals of token ${token}`),
      );
      return true;
    });
    const sizing = await sizeReward(
      {
        price: sizerAt({ answer: 3n * 10n ** 8n, decimals: 8, source: "desk", round: null, at }).price,
        tokenDecimals: sizer.tokenDecimals,
      },
      { currency: "USD", rewardMinor: 1000n },
    );
    assert.equal(sizing.sizing, "pending_price");
    assert.equal(sizing.tokenAmount, null);
    assert.match(sizing.sizingError ?? "", /^price unavailable \(unreachable\): could not read the decimals/);
  });
});
