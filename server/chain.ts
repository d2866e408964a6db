// The server's read-only view of the chain: the deployment it serves and a viem public client.
import {
  type Address,
  BaseError,
  createPublicClient,
  HttpRequestError,
  http,
  type PublicClient,
  TimeoutError,
} from "viem";
import { referralRewardsAbi } from "../deployments/abi.ts";
import type { Deployment } from "../deployments/schema.ts";

export interface ChainContext {
  client: PublicClient;
  rpcUrl: string;
  chainId: number;
  rewards: Address;
  deployment: Deployment;
}

export function connectChain(rpcUrl: string, deployment: Deployment): ChainContext {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 2 }) }) as PublicClient;
  return { client, rpcUrl, chainId: deployment.chainId, rewards: deployment.proxy, deployment };
}

/** True when `error` is viem's report of an RPC endpoint it could not reach or that did not answer
 *  in time: the chain is unavailable, which says nothing about what was asked. */
export function isChainUnreachable(error: unknown): boolean {
  return (
    error instanceof BaseError &&
    Boolean(error.walk((cause) => cause instanceof HttpRequestError || cause instanceof TimeoutError))
  );
}

export const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as const;

export function hasAdminRole(chain: ChainContext, wallet: Address): Promise<boolean> {
  return chain.client.readContract({
    address: chain.rewards,
    abi: referralRewardsAbi,
    functionName: "hasRole",
    args: [DEFAULT_ADMIN_ROLE, wallet],
  });
}
