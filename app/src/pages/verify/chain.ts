// What the chain says about one order, read by the browser itself (never through the server):
// orderRef = keccak256(orderReference), paidOrders(orderRef) and paymentOf(orderRef) at one block,
// and the ReferralPaid events filtered by the indexed orderRef from the deployment's start block.
import { type Address, createPublicClient, type Hex, http, keccak256, type PublicClient, stringToBytes } from "viem";
import { deployment, referralRewardsAbi } from "../../config/deployment.ts";

export interface PaidEventView {
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
  referrer: Address;
  amount: bigint;
}

export interface ChainReading {
  rpcUrl: string;
  /** The chain id the RPC answered with (checked against the build's deployment). */
  chainId: number;
  contract: Address;
  fromBlock: bigint;
  /** Everything was read at this block. */
  block: bigint;
  orderReference: string;
  orderRef: Hex;
  paidOrders: boolean;
  /** paymentOf(orderRef); null when it stores nothing (amount 0). */
  payment: { referrer: Address; amount: bigint } | null;
  events: PaidEventView[];
}

class WrongChainError extends Error {
  override name = "WrongChainError";
  constructor(rpcUrl: string, actual: number) {
    super(`the RPC ${rpcUrl} serves chain ${actual}, but this app was built for chain ${deployment.chainId}`);
  }
}

/** The on-chain key of an order, as the contract and the server compute it. */
const orderRefOf = (orderReference: string): Hex => keccak256(stringToBytes(orderReference));

/** Providers cap eth_getLogs ranges; the server reads in the same steps. */
const BLOCKS_PER_QUERY = 10_000n;
const PARALLEL_QUERIES = 4;

async function paidEvents(client: PublicClient, orderRef: Hex, fromBlock: bigint, toBlock: bigint) {
  const ranges: [bigint, bigint][] = [];
  for (let from = fromBlock; from <= toBlock; from += BLOCKS_PER_QUERY) {
    const to = from + BLOCKS_PER_QUERY - 1n;
    ranges.push([from, to < toBlock ? to : toBlock]);
  }
  const events: PaidEventView[] = [];
  for (let i = 0; i < ranges.length; i += PARALLEL_QUERIES) {
    const batches = await Promise.all(
      ranges.slice(i, i + PARALLEL_QUERIES).map(([from, to]) =>
        client.getContractEvents({
          address: deployment.proxy,
          abi: referralRewardsAbi,
          eventName: "ReferralPaid",
          args: { orderRef },
          fromBlock: from,
          toBlock: to,
          strict: true,
        }),
      ),
    );
    for (const log of batches.flat()) {
      events.push({
        txHash: log.transactionHash,
        blockNumber: log.blockNumber,
        logIndex: log.logIndex,
        referrer: log.args.referrer,
        amount: log.args.amount,
      });
    }
  }
  return events;
}

export async function readOrderOnChain(rpcUrl: string, orderReference: string): Promise<ChainReading> {
  const client = createPublicClient({ transport: http(rpcUrl) }) as PublicClient;
  const chainId = await client.getChainId();
  if (chainId !== deployment.chainId) throw new WrongChainError(rpcUrl, chainId);
  const block = await client.getBlockNumber({ cacheTime: 0 });
  const orderRef = orderRefOf(orderReference);
  const fromBlock = BigInt(deployment.startBlock);
  const read = { address: deployment.proxy, abi: referralRewardsAbi, args: [orderRef], blockNumber: block } as const;
  const [paidOrders, [referrer, amount], events] = await Promise.all([
    client.readContract({ ...read, functionName: "paidOrders" }),
    client.readContract({ ...read, functionName: "paymentOf" }),
    paidEvents(client, orderRef, fromBlock, block),
  ]);
  return {
    rpcUrl,
    chainId,
    contract: deployment.proxy,
    fromBlock,
    block,
    orderReference,
    orderRef,
    paidOrders,
    payment: amount > 0n ? { referrer, amount } : null,
    events,
  };
}
