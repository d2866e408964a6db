// The funnel's daily series, as the chart and its table show them.
import type { Day } from "./types.ts";

export const SERIES_KEYS = ["visits", "signups", "orders", "rewards", "paid"] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

/** Orders are the attributed ones; paid are on-chain payouts (0 without the indexer's views). */
export const dayValues = (day: Day): Record<SeriesKey, number> => ({
  visits: day.visits,
  signups: day.signups,
  orders: day.attributedOrders,
  rewards: day.rewards,
  paid: day.paidOnChain?.count ?? 0,
});

/** A UTC day ("YYYY-MM-DD") in the reader's language. */
export const formatDay = (locale: string, day: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
