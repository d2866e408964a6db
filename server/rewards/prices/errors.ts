// Why no price could size a reward. A reward that meets one of these waits in `pending_price`
// (with the message as its sizing error) and is sized later: never with a bad price.

const priceUnavailableReasons = [
  "no_source",
  "stale",
  "non_positive",
  "incomplete_round",
  "unreachable",
  "no_rate",
] as const;
export type PriceUnavailableReason = (typeof priceUnavailableReasons)[number];

export class PriceUnavailableError extends Error {
  override name = "PriceUnavailableError";
  readonly reason: PriceUnavailableReason;
  readonly currency: string | undefined;
  constructor(reason: PriceUnavailableReason, message: string, options: { currency?: string; cause?: unknown } = {}) {
    super(`price unavailable (${reason})${options.currency ? ` for ${options.currency}` : ""}: ${message}`, {
      cause: options.cause,
    });
    this.reason = reason;
    this.currency = options.currency;
  }
}

/** A price as `answer / 10^decimals` currency units per whole token, with where it came from. */
export interface Price {
  answer: bigint;
  decimals: number;
  /** `aggregator:<feed address>` or `desk`. */
  source: string;
  /** The aggregator round id (decimal); null for a desk rate. */
  round: string | null;
  /** When the price was last updated (the round's updatedAt, or when the desk rate was set). */
  at: Date;
}
