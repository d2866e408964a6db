// A Chainlink-style AggregatorV3 feed, read with viem. An answer is used only when it is positive,
// from a complete round, and no older than the source's maximum age.
import { type Address, getAddress, type PublicClient } from "viem";
import { mockAggregatorV3Abi } from "../../../deployments/abi.ts";
import { type Price, PriceUnavailableError } from "./errors.ts";

/** The AggregatorV3Interface subset read here (the mock's ABI is a superset of it). */
const aggregatorV3Abi = mockAggregatorV3Abi;

export interface AggregatorReadOptions {
  /** The oldest acceptable answer, in seconds before `now`. */
  maxAgeSeconds: number;
  now?: Date;
  /** Named in error messages. */
  currency?: string;
}

export async function readAggregatorPrice(
  client: PublicClient,
  feed: Address,
  options: AggregatorReadOptions,
): Promise<Price> {
  const address = getAddress(feed);
  const currency = options.currency;
  const unavailable = (
    reason: ConstructorParameters<typeof PriceUnavailableError>[0],
    message: string,
    cause?: unknown,
  ) =>
    new PriceUnavailableError(reason, `feed ${address}: ${message}`, {
      ...(currency ? { currency } : {}),
      ...(cause ? { cause } : {}),
    });

  let round: readonly [bigint, bigint, bigint, bigint, bigint];
  let decimals: number;
  try {
    // Two plain reads rather than a multicall: local chains have no Multicall3.
    [round, decimals] = await Promise.all([
      client.readContract({ address, abi: aggregatorV3Abi, functionName: "latestRoundData" }),
      client.readContract({ address, abi: aggregatorV3Abi, functionName: "decimals" }),
    ]);
  } catch (error) {
    const detail =
      error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
    throw unavailable("unreachable", `could not read the feed: ${detail}`, error);
  }

  const [roundId, answer, , updatedAt, answeredInRound] = round;
  if (updatedAt === 0n || answeredInRound < roundId) {
    throw unavailable(
      "incomplete_round",
      `round ${roundId} is incomplete (updatedAt ${updatedAt}, answeredInRound ${answeredInRound})`,
    );
  }
  if (answer <= 0n) throw unavailable("non_positive", `round ${roundId} answered ${answer}`);
  const nowSeconds = BigInt(Math.floor((options.now ?? new Date()).getTime() / 1000));
  const age = nowSeconds - updatedAt;
  if (age > BigInt(options.maxAgeSeconds)) {
    throw unavailable(
      "stale",
      `round ${roundId} was updated ${age}s ago, more than the maximum age of ${options.maxAgeSeconds}s`,
    );
  }
  return {
    answer,
    decimals,
    source: `aggregator:${address}`,
    round: roundId.toString(),
    at: new Date(Number(updatedAt) * 1000),
  };
}
