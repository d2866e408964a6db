// Admin-set desk rates: a fixed `answer / 10^decimals` currency units per token. A desk rate does
// not expire (it is the admin's explicit choice); the admin replaces it with setDeskRate.
import { eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.ts";
import { deskRates } from "../../db/schema.ts";
import { ApiError } from "../../http/errors.ts";
import { type Price, PriceUnavailableError } from "./errors.ts";

/** A desk rate the service refuses: a 400 (`invalid_desk_rate`) when it reaches a route. */
export class InvalidDeskRateError extends ApiError {
  override name = "InvalidDeskRateError";
  constructor(message: string) {
    super(400, "invalid_desk_rate", message);
  }
}

export interface DeskRateInput {
  currency: string;
  /** Positive; the rate is answer / 10^decimals currency units per token. */
  answer: bigint;
  /** 0..77 (the numeric(78, 0) column). */
  decimals: number;
  /** Who set it (an admin wallet or user id). */
  setBy: string;
}

/** Creates or replaces the desk rate of a currency. */
export async function setDeskRate(db: Db | Tx, input: DeskRateInput): Promise<Price> {
  if (input.answer <= 0n) throw new InvalidDeskRateError(`a desk rate must be positive, got ${input.answer}`);
  if (input.answer >= 10n ** 78n) throw new InvalidDeskRateError("a desk rate must have at most 78 digits");
  if (!Number.isSafeInteger(input.decimals) || input.decimals < 0 || input.decimals > 77) {
    throw new InvalidDeskRateError(`decimals must be an integer from 0 to 77, got ${input.decimals}`);
  }
  const values = {
    currency: input.currency,
    answer: input.answer.toString(),
    decimals: input.decimals,
    setBy: input.setBy,
    setAt: new Date(),
  };
  const [row] = await db
    .insert(deskRates)
    .values(values)
    .onConflictDoUpdate({
      target: deskRates.currency,
      set: { answer: values.answer, decimals: values.decimals, setBy: values.setBy, setAt: values.setAt },
    })
    .returning();
  return toPrice(row!);
}

/** The desk rate of a currency; PriceUnavailableError("no_rate") when none is set. */
export async function readDeskRate(db: Db | Tx, currency: string): Promise<Price> {
  const [row] = await db.select().from(deskRates).where(eq(deskRates.currency, currency));
  if (!row) throw new PriceUnavailableError("no_rate", "no desk rate is set", { currency });
  const price = toPrice(row);
  // The column could be edited by hand: never size with a non-positive rate.
  if (price.answer <= 0n) {
    throw new PriceUnavailableError("non_positive", `the desk rate is ${price.answer}`, { currency });
  }
  return price;
}

function toPrice(row: typeof deskRates.$inferSelect): Price {
  return { answer: BigInt(row.answer), decimals: row.decimals, source: "desk", round: null, at: row.setAt };
}
