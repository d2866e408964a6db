// Converting a reward's fiat value to tokens with a fresh price, or leaving it visibly
// `pending_price` — never sizing it with a bad price.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { rewards } from "../../db/schema.ts";
import { MoneyError, toTokenUnits } from "../money.ts";
import { type Price, PriceUnavailableError } from "../prices/errors.ts";

export interface Sizer {
  price(currency: string): Promise<Price>;
  /** The reward token's decimals (read from the token once). */
  tokenDecimals(): Promise<number>;
}

type Sizing = Pick<
  typeof rewards.$inferInsert,
  "sizing" | "sizingError" | "priceAnswer" | "priceDecimals" | "priceSource" | "priceRound" | "priceAt" | "tokenAmount"
>;

export async function sizeReward(sizer: Sizer, input: { currency: string; rewardMinor: bigint }): Promise<Sizing> {
  let price: Price;
  try {
    price = await sizer.price(input.currency);
  } catch (error) {
    if (!(error instanceof PriceUnavailableError)) throw error;
    return { sizing: "pending_price", sizingError: error.message, tokenAmount: null };
  }
  let tokenAmount: bigint;
  try {
    tokenAmount = toTokenUnits({
      rewardMinor: input.rewardMinor,
      currency: input.currency,
      price: { answer: price.answer, decimals: price.decimals },
      tokenDecimals: await sizer.tokenDecimals(),
    });
  } catch (error) {
    // e.g. above the contract's uint96: visible on the reward, never paid with a made-up amount
    if (!(error instanceof MoneyError)) throw error;
    return { sizing: "pending_price", sizingError: error.message, tokenAmount: null };
  }
  if (tokenAmount === 0n) {
    // Rounded down to nothing: the contract refuses a zero payment, so it waits like an unpriced one.
    return {
      sizing: "pending_price",
      sizingError: `the reward is worth less than one token unit at ${price.source} answer ${price.answer}`,
      tokenAmount: null,
    };
  }
  return {
    sizing: "sized",
    sizingError: null,
    priceAnswer: price.answer.toString(),
    priceDecimals: price.decimals,
    priceSource: price.source,
    priceRound: price.round,
    priceAt: price.at,
    tokenAmount: tokenAmount.toString(),
  };
}

/** Sizes every live reward still waiting for a price; returns how many were sized. */
export async function sizePendingRewards(db: Db, sizer: Sizer): Promise<number> {
  const waiting = await db
    .select()
    .from(rewards)
    .where(
      and(eq(rewards.sizing, "pending_price"), inArray(rewards.state, ["pending_approval", "approved", "failed"])),
    );
  // One price read per currency per pass, not one per reward.
  const prices = new Map<string, Promise<Price>>();
  const cached: Sizer = {
    price: (currency) => {
      if (!prices.has(currency)) prices.set(currency, sizer.price(currency));
      return prices.get(currency)!;
    },
    tokenDecimals: () => sizer.tokenDecimals(),
  };
  let sized = 0;
  for (const reward of waiting) {
    const sizing = await sizeReward(cached, { currency: reward.currency, rewardMinor: BigInt(reward.rewardMinor) });
    if (sizing.sizing !== "sized") {
      await db.update(rewards).set({ sizingError: sizing.sizingError }).where(eq(rewards.id, reward.id));
      continue;
    }
    const updated = await db
      .update(rewards)
      .set(sizing)
      .where(and(eq(rewards.id, reward.id), eq(rewards.sizing, "pending_price")))
      .returning({ id: rewards.id });
    sized += updated.length;
  }
  return sized;
}
