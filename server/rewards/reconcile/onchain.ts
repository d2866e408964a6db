// The chain reads of a reconciliation, sized for real RPCs: `paymentOf` in multicalls of a few
// hundred orders, ReferralPaid logs in block ranges providers accept.
import type { Address, Hex, PublicClient } from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import { type OnChainPayment, paymentsOf } from "../minter/onchain.ts";
import type { PaidEvent } from "./report.ts";

export const PAYMENTS_PER_CALL = 500;
export const BLOCKS_PER_LOG_QUERY = 10_000n;

/** `paymentOf` for any number of orders, a deployless multicall per chunk. */
export async function readPayments(
  client: PublicClient,
  rewardsAddress: Address,
  orderRefs: readonly Hex[],
  perCall = PAYMENTS_PER_CALL,
): Promise<(OnChainPayment | undefined)[]> {
  const results: (OnChainPayment | undefined)[] = [];
  for (let start = 0; start < orderRefs.length; start += perCall) {
    results.push(...(await paymentsOf(client, rewardsAddress, orderRefs.slice(start, start + perCall))));
  }
  return results;
}

export interface EventRange {
  fromBlock: bigint;
  toBlock: bigint;
  /** Only this order's events (the topic filter is applied by the node). */
  orderRef?: Hex;
  blocksPerQuery?: bigint;
}

/** Every ReferralPaid log of the contract in [fromBlock, toBlock], in chain order. */
export async function readPaidEvents(
  client: PublicClient,
  rewardsAddress: Address,
  range: EventRange,
): Promise<PaidEvent[]> {
  const step = range.blocksPerQuery ?? BLOCKS_PER_LOG_QUERY;
  const events: PaidEvent[] = [];
  for (let from = range.fromBlock; from <= range.toBlock; from += step) {
    const to = from + step - 1n < range.toBlock ? from + step - 1n : range.toBlock;
    const logs = await client.getContractEvents({
      address: rewardsAddress,
      abi: referralRewardsAbi,
      eventName: "ReferralPaid",
      ...(range.orderRef ? { args: { orderRef: range.orderRef } } : {}),
      fromBlock: from,
      toBlock: to,
      strict: true,
    });
    for (const log of logs) {
      events.push({
        orderRef: log.args.orderRef.toLowerCase() as Hex,
        referrer: log.args.referrer,
        amount: log.args.amount,
        txHash: log.transactionHash,
        blockNumber: log.blockNumber,
        logIndex: log.logIndex,
      });
    }
  }
  return events;
}

/** Events grouped by orderRef (lowercase). */
export function eventsByOrderRef(events: readonly PaidEvent[], into = new Map<string, PaidEvent[]>()) {
  for (const event of events) {
    const list = into.get(event.orderRef);
    if (list) list.push(event);
    else into.set(event.orderRef, [event]);
  }
  return into;
}
