// A reward row as the ledger leaves it once sized, for tests and benchmarks that start from
// rewards rather than from orders.
import { randomUUID } from "node:crypto";
import type { Address } from "viem";
import type { Deployment } from "../../deployments/schema.ts";
import { orderRefOf } from "../../scripts/lib/order-ref.ts";
import type { rewards } from "../db/schema.ts";

type RewardInsert = typeof rewards.$inferInsert;

export function sizedRewardRow(
  deployment: Pick<Deployment, "token" | "chainId">,
  input: {
    orderReference: string;
    referrerWallet: Address;
    tokenAmount: bigint;
    referrerUserId?: string;
    state?: RewardInsert["state"];
    createdAt?: Date;
  },
): RewardInsert {
  return {
    orderReference: input.orderReference,
    orderRef: orderRefOf(input.orderReference),
    kind: "store",
    referrerUserId: input.referrerUserId ?? randomUUID(),
    referrerWallet: input.referrerWallet,
    refereeUserId: randomUUID(),
    baseAmountMinor: 10_000,
    currency: "USD",
    commissionBps: 1000,
    grossRewardMinor: 1000,
    rewardMinor: 1000,
    sizing: "sized",
    grossTokenAmount: input.tokenAmount.toString(),
    tokenAmount: input.tokenAmount.toString(),
    token: deployment.token,
    chainId: deployment.chainId,
    rail: "crypto",
    state: input.state ?? "approved",
    ...(input.createdAt ? { createdAt: input.createdAt } : {}),
  };
}
