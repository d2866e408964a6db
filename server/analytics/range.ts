// The analytics' custom scalars and the date range every query takes. Days are UTC calendar
// days, both ends included, because the visit buckets are UTC days: a range in days is the only
// one every metric can answer exactly.
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

/** A range longer than this is refused: the daily series has one row per day. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

/** The day number (days since 1970-01-01) of "YYYY-MM-DD", or undefined when it is no real day. */
function dayNumber(text: string): number | undefined {
  const match = DAY_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2024-02-30 over into March: a round trip tells real days from rolled ones.
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return year < 1970 ? undefined : ms / DAY_MS;
}

/**
 * graphql-js prefixes where the bad value was: for a variable its path (`$range` at
 * "range.from"), for a literal the expected type. A variable's error must be a GraphQLError
 * (yoga masks other errors of variable coercion as "Unexpected error."); a literal's must not be
 * (graphql-js adds the prefix to plain errors only).
 */
function parseDay(value: unknown, error: (message: string) => Error): string {
  if (typeof value !== "string" || dayNumber(value) === undefined) {
    throw error(`expected a UTC calendar day YYYY-MM-DD from 1970 on, got ${JSON.stringify(value)}`);
  }
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: "Date",
  description: "A UTC calendar day, YYYY-MM-DD.",
  serialize: (value) => parseDay(value, (message) => new TypeError(message)),
  parseValue: (value) => parseDay(value, badInput),
  parseLiteral: (ast) =>
    parseDay(ast.kind === Kind.STRING ? ast.value : undefined, (message) => new TypeError(message)),
});

/** Sums of numeric(78,0) columns come back as strings; token amounts do not fit a JS number. */
export const BigIntScalar = new GraphQLScalarType({
  name: "BigInt",
  description: "An integer of any size as a decimal string (token base units are numeric(78,0)).",
  serialize(value) {
    const text = typeof value === "bigint" || typeof value === "number" ? value.toString() : value;
    if (typeof text !== "string" || !/^-?\d+$/.test(text)) throw new TypeError(`not an integer: ${String(value)}`);
    return text;
  },
});

export interface DayRange {
  from: string;
  to: string;
  /** Every day of the range, in order. */
  days: string[];
  /** [start, end) as timestamptz literals: the first instant of `from` and of the day after `to`. */
  start: string;
  end: string;
  /** The same bounds in unix seconds, for the indexer's block timestamps. */
  startSeconds: number;
  endSeconds: number;
}

/** Validates a range (the scalar has checked each day): from ≤ to, at most MAX_RANGE_DAYS. */
export function dayRange(input: { from: string; to: string }): DayRange {
  const from = dayNumber(input.from)!;
  const to = dayNumber(input.to)!;
  if (from > to) throw badInput(`range: from (${input.from}) is after to (${input.to})`);
  const length = to - from + 1;
  if (length > MAX_RANGE_DAYS) {
    throw badInput(`range: at most ${MAX_RANGE_DAYS} days, got ${length} (${input.from} to ${input.to})`);
  }
  const days = Array.from({ length }, (_, i) => new Date((from + i) * DAY_MS).toISOString().slice(0, 10));
  return {
    from: input.from,
    to: input.to,
    days,
    start: new Date(from * DAY_MS).toISOString(),
    end: new Date((to + 1) * DAY_MS).toISOString(),
    startSeconds: from * 86_400,
    endSeconds: (to + 1) * 86_400,
  };
}
