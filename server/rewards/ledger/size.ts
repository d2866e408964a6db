// Converting a reward's fiat value to tokens with a fresh price, or leaving it visibly
// `pending_price` — never sizing it with a bad price.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { rewards } from "../../db/schema.ts";
import { MoneyError, toTokenUnits } from "../money.ts";
import { type Price, PriceUnavailableError } from "../prices/errors.ts";
import { shareOfRemainder } from "./amounts.ts";

export interface Sizer {
  price(currency: string): Promise<Price>;
  /** The reward token's decimals (read from the token once). */
  tokenDecimals(): Promise<number>;
}

export type Sizing = Pick<
  typeof rewards.$inferInsert,
  "sizing" | "sizingError" | "priceAnswer" | "priceDecimals" | "priceSource" | "priceRound" | "priceAt" | "tokenAmount"
>;

export async function sizeReward(sizer: Sizer, input: { currency: string; rewardMinor: bigint }): Promise<Sizing> {
  let price: Price;
  let tokenDecimals: number;
  try {
    price = await sizer.price(input.currency);
    tokenDecimals = await sizer.tokenDecimals();
  } catch (error) {
    // No usable price, or the token's decimals could not be read: it waits and is sized later.
    if (!(error instanceof PriceUnavailableError)) throw error;
    return { sizing: "pending_price", sizingError: error.message, tokenAmount: null };
  }
  let tokenAmount: bigint;
  try {
    tokenAmount = toTokenUnits({
      rewardMinor: input.rewardMinor,
      currency: input.currency,
      price: { answer: price.answer, decimals: price.decimals },
      tokenDecimals,
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

/** A sizer that reads each currency's price once: for one pass over many rewards. */
export function pricedOnce(sizer: Sizer): Sizer {
  const prices = new Map<string, Promise<Price>>();
  return {
    price(currency) {
      let price = prices.get(currency);
      if (!price) {
        price = sizer.price(currency);
        price.catch(() => {}); // each caller awaits it and handles a missing price
        prices.set(currency, price);
      }
      return price;
    },
    tokenDecimals: () => sizer.tokenDecimals(),
  };
}

/** A gross sizing with the amount to pay scaled to what the refunds left of the order. */
export function netOfRefunds(
  sizing: Sizing,
  reward: { baseAmountMinor: number; refundedMinor: number },
): Sizing & { grossTokenAmount: string | null } {
  if (sizing.sizing !== "sized") return { ...sizing, grossTokenAmount: null };
  const gross = BigInt(sizing.tokenAmount!);
  const net = shareOfRemainder(gross, BigInt(reward.baseAmountMinor), BigInt(reward.refundedMinor));
  if (net === 0n) {
    return {
      sizing: "pending_price",
      sizingError: "what is left of the order after refunds is worth less than one token unit",
      tokenAmount: null,
      grossTokenAmount: null,
    };
  }
  return { ...sizing, grossTokenAmount: gross.toString(), tokenAmount: net.toString() };
}

/** The states in which a reward waiting for a price is still worth sizing. */
const LIVE_STATES = ["pending_approval", "approved", "failed"] as const;

/**
 * Sizes every live reward still waiting for a price; returns how many were sized. One price read
 * per currency per pass. A currency without a usable price costs one UPDATE (recording the reason
 * on its rewards whose recorded reason differs); each sized reward costs one; rewards that keep
 * waiting for another reason (rounding to zero, uint96, the token's decimals unreadable) cost one
 * UPDATE per reason, and none when the recorded reason is already that one.
 */
export async function sizePendingRewards(db: Db, sizer: Sizer): Promise<number> {
  const waiting = await db
    .select({
      id: rewards.id,
      currency: rewards.currency,
      grossRewardMinor: rewards.grossRewardMinor,
      baseAmountMinor: rewards.baseAmountMinor,
      refundedMinor: rewards.refundedMinor,
      sizingError: rewards.sizingError,
    })
    .from(rewards)
    .where(and(eq(rewards.sizing, "pending_price"), inArray(rewards.state, LIVE_STATES)));
  let sized = 0;
  /** Rewards that keep waiting with a new reason, by that reason. */
  const reasons = new Map<string, string[]>();
  const priced = pricedOnce(sizer);
  for (const [currency, rows] of Map.groupBy(waiting, (row) => row.currency)) {
    try {
      await priced.price(currency);
    } catch (error) {
      if (!(error instanceof PriceUnavailableError)) throw error;
      await db
        .update(rewards)
        .set({ sizingError: error.message })
        .where(
          and(
            eq(rewards.currency, currency),
            eq(rewards.sizing, "pending_price"),
            inArray(rewards.state, LIVE_STATES),
            sql`${rewards.sizingError} is distinct from ${error.message}`,
          ),
        );
      continue;
    }
    for (const reward of rows) {
      const sizing = netOfRefunds(
        await sizeReward(priced, { currency, rewardMinor: BigInt(reward.grossRewardMinor) }),
        reward,
      );
      if (sizing.sizing === "sized") {
        const updated = await db
          .update(rewards)
          .set(sizing)
          .where(
            and(
              eq(rewards.id, reward.id),
              eq(rewards.sizing, "pending_price"),
              // A refund applied since the read changes the net amount: the next pass sizes it.
              eq(rewards.refundedMinor, reward.refundedMinor),
            ),
          )
          .returning({ id: rewards.id });
        sized += updated.length;
      } else if (sizing.sizingError !== reward.sizingError) {
        const ids = reasons.get(sizing.sizingError!);
        if (ids) ids.push(reward.id);
        else reasons.set(sizing.sizingError!, [reward.id]);
      }
    }
  }
  for (const [sizingError, ids] of reasons) {
    await db
      .update(rewards)
      .set({ sizingError })
      .where(and(inArray(rewards.id, ids), eq(rewards.sizing, "pending_price")));
  }
  return sized;
}
