// The minter's reads of the contract: payments per order, the ReferralPaid records behind them,
// and the damage limits. Reads of many orders go through a deployless multicall (anvil has no
// Multicall3 deployed).
import type { Address, Hex, PublicClient } from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";

export interface OnChainPayment {
  referrer: Address;
  amount: bigint;
}

/** `paymentOf` for many orders in one call. */
export async function paymentsOf(
  client: PublicClient,
  rewardsAddress: Address,
  orderRefs: readonly Hex[],
): Promise<(OnChainPayment | undefined)[]> {
  if (orderRefs.length === 0) return [];
  const results = await client.multicall({
    deployless: true,
    allowFailure: false,
    contracts: orderRefs.map((orderRef) => ({
      address: rewardsAddress,
      abi: referralRewardsAbi,
      functionName: "paymentOf" as const,
      args: [orderRef] as const,
    })),
  });
  return results.map(([referrer, amount]) => (amount > 0n ? { referrer, amount } : undefined));
}

export interface PaymentRecord {
  txHash: Hex;
  blockNumber: bigint;
}

/** Topics OR-ed per log query; public RPCs accept a few hundred. */
const ORDER_REFS_PER_QUERY = 200;

/** The ReferralPaid event of each order that has one, by orderRef (lower-case hex). */
export async function paymentRecordsOf(
  client: PublicClient,
  rewardsAddress: Address,
  orderRefs: readonly Hex[],
  fromBlock: bigint,
): Promise<Map<string, PaymentRecord>> {
  const records = new Map<string, PaymentRecord>();
  for (let i = 0; i < orderRefs.length; i += ORDER_REFS_PER_QUERY) {
    const events = await client.getContractEvents({
      address: rewardsAddress,
      abi: referralRewardsAbi,
      eventName: "ReferralPaid",
      args: { orderRef: orderRefs.slice(i, i + ORDER_REFS_PER_QUERY) as Hex[] },
      fromBlock,
      toBlock: "latest",
    });
    for (const event of events) {
      records.set(event.args.orderRef!.toLowerCase(), {
        txHash: event.transactionHash,
        blockNumber: event.blockNumber,
      });
    }
  }
  return records;
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
