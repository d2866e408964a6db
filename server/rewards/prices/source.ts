// The configurable price source of each currency: an AggregatorV3 feed or the admin desk rate.
import { eq } from "drizzle-orm";
import { type Address, getAddress, isAddress, type PublicClient } from "viem";
import type { Db, Tx } from "../../db/client.ts";
import { priceSources } from "../../db/schema.ts";
import { ApiError } from "../../http/errors.ts";
import { readAggregatorPrice } from "./aggregator.ts";
import { readDeskRate } from "./desk.ts";
import { type Price, PriceUnavailableError } from "./errors.ts";

const DEFAULT_MAX_AGE_SECONDS = 3_600;

/** A price source the service refuses: a 400 (`invalid_price_source`) when it reaches a route. */
export class InvalidPriceSourceError extends ApiError {
  override name = "InvalidPriceSourceError";
  constructor(message: string) {
    super(400, "invalid_price_source", message);
  }
}

export type PriceSourceInput =
  | { currency: string; kind: "aggregator"; feed: Address; maxAgeSeconds?: number; updatedBy: string }
  | { currency: string; kind: "desk"; maxAgeSeconds?: number; updatedBy: string };

export type PriceSourceRow = typeof priceSources.$inferSelect;

/** Creates or replaces the price source of a currency. */
export async function setPriceSource(db: Db | Tx, input: PriceSourceInput): Promise<PriceSourceRow> {
  const maxAgeSeconds = input.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds <= 0 || maxAgeSeconds > 2_147_483_647) {
    throw new InvalidPriceSourceError(`maxAgeSeconds must be a positive integer, got ${maxAgeSeconds}`);
  }
  let feed: string | null = null;
  if (input.kind === "aggregator") {
    if (!isAddress(input.feed, { strict: false })) {
      throw new InvalidPriceSourceError(`an aggregator source needs a feed address, got ${String(input.feed)}`);
    }
    feed = getAddress(input.feed);
  }
  const values = {
    currency: input.currency,
    kind: input.kind,
    feed,
    maxAgeSeconds,
    updatedBy: input.updatedBy,
    updatedAt: new Date(),
  };
  const { currency: _currency, ...set } = values;
  const [row] = await db
    .insert(priceSources)
    .values(values)
    .onConflictDoUpdate({ target: priceSources.currency, set })
    .returning();
  return row!;
}

async function getPriceSource(db: Db | Tx, currency: string): Promise<PriceSourceRow | undefined> {
  const [row] = await db.select().from(priceSources).where(eq(priceSources.currency, currency));
  return row;
}

/**
 * A fresh, valid price of the token in `currency` from its configured source; throws
 * PriceUnavailableError otherwise (no_source, stale, non_positive, incomplete_round, unreachable,
 * no_rate), and the caller leaves the reward in pending_price.
 */
export async function resolvePrice(
  deps: { db: Db | Tx; client: PublicClient | undefined },
  currency: string,
  now: Date = new Date(),
): Promise<Price> {
  const source = await getPriceSource(deps.db, currency);
  if (!source) throw new PriceUnavailableError("no_source", "no price source is configured", { currency });
  if (source.kind === "desk") return readDeskRate(deps.db, currency);
  if (!source.feed) throw new PriceUnavailableError("no_source", "the aggregator source has no feed", { currency });
  if (!deps.client) throw new PriceUnavailableError("unreachable", "no chain connection", { currency });
  return readAggregatorPrice(deps.client, source.feed as Address, {
    maxAgeSeconds: source.maxAgeSeconds,
    now,
    currency,
  });
}
