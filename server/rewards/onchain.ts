// Reads of the ReferralRewards contract shared by the minter and the reconciliation, sized for
// real RPCs: `paymentOf` in deployless multicalls of a few hundred orders (anvil has no
// Multicall3), ReferralPaid logs in block ranges and topic lists that providers accept.
import { type Address, getAddress, type Hex, isAddress, type PublicClient } from "viem";
import { referralRewardsAbi } from "../../deployments/abi.ts";

export interface OnChainPayment {
  referrer: Address;
  amount: bigint;
}

/**
 * Whether an on-chain payment has the ledger row's terms: the same referrer (by value: a
 * tampered row may hold any case, or no address at all) and the same amount.
 */
export function sameTerms(
  row: { referrerWallet: string; tokenAmount: string | null },
  payment: OnChainPayment,
): boolean {
  const sameReferrer =
    isAddress(row.referrerWallet, { strict: false }) && getAddress(row.referrerWallet) === payment.referrer;
  const sameAmount =
    row.tokenAmount !== null && /^\d+$/.test(row.tokenAmount) && BigInt(row.tokenAmount) === payment.amount;
  return sameReferrer && sameAmount;
}

const PAYMENTS_PER_CALL = 500;
const BLOCKS_PER_LOG_QUERY = 10_000n;
/** Order refs OR-ed in one log query's topic. */
const ORDER_REFS_PER_LOG_QUERY = 200;

/** `paymentOf` for any number of orders; undefined where the order is not paid. */
export async function paymentsOf(
  client: PublicClient,
  rewardsAddress: Address,
  orderRefs: readonly Hex[],
  perCall = PAYMENTS_PER_CALL,
): Promise<(OnChainPayment | undefined)[]> {
  const payments: (OnChainPayment | undefined)[] = [];
  for (let start = 0; start < orderRefs.length; start += perCall) {
    const results = await client.multicall({
      deployless: true,
      allowFailure: false,
      contracts: orderRefs.slice(start, start + perCall).map((orderRef) => ({
        address: rewardsAddress,
        abi: referralRewardsAbi,
        functionName: "paymentOf" as const,
        args: [orderRef] as const,
      })),
    });
    for (const [referrer, amount] of results) payments.push(amount > 0n ? { referrer, amount } : undefined);
  }
  return payments;
}

export interface PaidEvent {
  /** Lower-case hex. */
  orderRef: Hex;
  referrer: Address;
  amount: bigint;
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
}

export interface EventRange {
  fromBlock: bigint;
  toBlock: bigint;
  /** Only these orders' events (the topic filter is applied by the node). */
  orderRefs?: readonly Hex[];
  blocksPerQuery?: bigint;
}

/** The contract's ReferralPaid logs in [fromBlock, toBlock], in chain order. */
export async function readPaidEvents(
  client: PublicClient,
  rewardsAddress: Address,
  range: EventRange,
): Promise<PaidEvent[]> {
  const step = range.blocksPerQuery ?? BLOCKS_PER_LOG_QUERY;
  const topicGroups: (Hex[] | undefined)[] = [];
  if (!range.orderRefs) topicGroups.push(undefined);
  else {
    for (let i = 0; i < range.orderRefs.length; i += ORDER_REFS_PER_LOG_QUERY) {
      topicGroups.push(range.orderRefs.slice(i, i + ORDER_REFS_PER_LOG_QUERY));
    }
  }
  const events: PaidEvent[] = [];
  for (let from = range.fromBlock; from <= range.toBlock; from += step) {
    const to = from + step - 1n < range.toBlock ? from + step - 1n : range.toBlock;
    for (const orderRefs of topicGroups) {
      const logs = await client.getContractEvents({
        address: rewardsAddress,
        abi: referralRewardsAbi,
        eventName: "ReferralPaid",
        ...(orderRefs ? { args: { orderRef: orderRefs } } : {}),
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
  }
  return events;
}

export interface ContractLimits {
  /** 0 = no maximum. */
  maxPerPayment: bigint;
  /** What all payments together may still pay in the current window (2^96 − 1 without a budget). */
  windowRemaining: bigint;
  /** When the current window ends (0 when none is open). */
  windowEnd: number;
}

export async function contractLimits(client: PublicClient, rewardsAddress: Address): Promise<ContractLimits> {
  const [[maxPerPayment], [windowRemaining, windowEnd]] = await client.multicall({
    deployless: true,
    allowFailure: false,
    contracts: [
      { address: rewardsAddress, abi: referralRewardsAbi, functionName: "limits" },
      { address: rewardsAddress, abi: referralRewardsAbi, functionName: "windowState" },
    ],
  });
  return { maxPerPayment, windowRemaining, windowEnd };
}
