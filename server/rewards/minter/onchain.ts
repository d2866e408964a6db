import type { Address, Hex, PublicClient } from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";

export interface OnChainPayment {
  referrer: Address;
  amount: bigint;
}

/** `paymentOf` for many orders in one call. Deployless multicall: no Multicall3 needed (anvil has none). */
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
