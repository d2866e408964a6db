// MockAggregatorV3 price feeds on a test chain, driven from the account of the given clients.
import assert from "node:assert/strict";
import type { Address } from "viem";
import { mockAggregatorV3Abi } from "../../deployments/abi.ts";
import type { Clients } from "../../scripts/lib/clients.ts";
import { confirm, deployArtifact } from "../../scripts/lib/deploy.ts";

export interface FeedRound {
  roundId: bigint;
  answer: bigint;
  startedAt: bigint;
  updatedAt: bigint;
  answeredInRound: bigint;
}

/** A new MockAggregatorV3 answering `answer` in round 1, updated at the current block. */
export async function deployFeed(
  clients: Clients,
  answer: bigint,
  decimals = 8,
  description = "RCR / FIAT",
): Promise<Address> {
  return (await deployArtifact(clients, "MockAggregatorV3", [decimals, description, answer])).address;
}

/** Makes `round` the feed's latest round, exactly as given (stale, incomplete, ...). */
export async function setRound(clients: Clients, feed: Address, round: FeedRound): Promise<void> {
  const hash = await clients.walletClient.writeContract({
    address: feed,
    abi: mockAggregatorV3Abi,
    functionName: "setRound",
    args: [round.roundId, round.answer, round.startedAt, round.updatedAt, round.answeredInRound],
  });
  await confirm(clients, hash, "setRound");
}

/** The feed's latestRoundData. */
export async function latestRound(clients: Clients, feed: Address): Promise<FeedRound> {
  const [roundId, answer, startedAt, updatedAt, answeredInRound] = await clients.publicClient.readContract({
    address: feed,
    abi: mockAggregatorV3Abi,
    functionName: "latestRoundData",
  });
  return { roundId, answer, startedAt, updatedAt, answeredInRound };
}

/** A new, complete round with `answer`, updated at the block's time; returns it as the feed reports it. */
export async function setAnswer(clients: Clients, feed: Address, answer: bigint): Promise<FeedRound> {
  const hash = await clients.walletClient.writeContract({
    address: feed,
    abi: mockAggregatorV3Abi,
    functionName: "setAnswer",
    args: [answer],
  });
  await confirm(clients, hash, "setAnswer");
  const round = await latestRound(clients, feed);
  assert.equal(round.answer, answer);
  assert.equal(round.answeredInRound, round.roundId);
  return round;
}
