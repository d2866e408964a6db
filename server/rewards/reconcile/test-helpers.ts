// Fixtures of the reconciliation tests: rewards as the ledger leaves them, paid by the real
// minter, or paid behind the ledger's back with the operator key.
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../../scripts/lib/clients.ts";
import { rewards } from "../../db/schema.ts";
import type { TestStack } from "../../test/harness.ts";
import { newAccount } from "../../test/harness.ts";
import { sizedRewardRow } from "../../test/reward-rows.ts";
import type { RewardState } from "../ledger/transition.ts";
import { runMinter } from "../minter/run.ts";

export const operatorOf = (stack: TestStack) => connect(stack.anvil.rpcUrl, anvilKeys.operator);

/** `n` sized rewards in `state` (approved by default), each for a new referrer wallet. */
export async function insertRewards(stack: TestStack, n: number, state: RewardState = "approved") {
  const { deployment } = stack.server.deps.chain;
  const rows = Array.from({ length: n }, (_, i) =>
    sizedRewardRow(deployment, {
      orderReference: `rec-${randomUUID()}`,
      referrerWallet: newAccount().address,
      tokenAmount: BigInt(i + 1) * 10n ** 15n,
      state,
    }),
  );
  return stack.server.deps.db.insert(rewards).values(rows).returning();
}

/** Runs the real minter over every approved reward. */
export async function mintApproved(stack: TestStack, operator: Clients) {
  const { deps } = stack.server;
  return runMinter({
    db: deps.db,
    pool: deps.database.pool,
    logger: deps.logger,
    publicClient: operator.publicClient as never,
    walletClient: operator.walletClient,
    account: operator.account,
    rewardsAddress: deps.chain.deployment.proxy,
    fromBlock: BigInt(deps.chain.deployment.startBlock),
    batchSize: 100,
    receiptTimeoutMs: 10_000,
    maxAttempts: 5,
  });
}

/** `payReferral` straight from the operator key, as a leaked key or a manual payment would. */
export async function payDirectly(
  stack: TestStack,
  operator: Clients,
  referrer: Address,
  amount: bigint,
  orderRef: Hex,
) {
  const hash = await operator.walletClient.writeContract({
    address: stack.server.deps.chain.deployment.proxy,
    abi: referralRewardsAbi,
    functionName: "payReferral",
    args: [referrer, amount, orderRef],
  });
  const receipt = await operator.publicClient.waitForTransactionReceipt({ hash });
  return { txHash: hash, blockNumber: Number(receipt.blockNumber) };
}

/** An UPDATE in SQL, around the ledger's transition function, as tampering would be. */
export async function tamper(stack: TestStack, id: string, set: Partial<typeof rewards.$inferInsert>) {
  await stack.server.deps.db
    .update(rewards)
    .set({ ...set, updatedAt: set.updatedAt ?? sql`now()` })
    .where(eq(rewards.id, id));
}
