// The only way a reward's state changes: a guarded UPDATE plus its audit row, in one transaction.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Db, Tx } from "../../db/client.ts";
import { type rewardStates, rewards, rewardTransitions } from "../../db/schema.ts";
import { hostEventTypeForState, recordHostEvents } from "../../host-events/record.ts";
import { releaseOffsets } from "./clawbacks.ts";

export type RewardState = (typeof rewardStates)[number];
export type RewardRow = typeof rewards.$inferSelect;

/** Which states each state may move to. Anything else is refused. */
export const allowedTransitions: Record<RewardState, readonly RewardState[]> = {
  pending_approval: ["approved", "rejected", "cancelled"],
  approved: ["minting", "rejected", "cancelled", "offset"],
  minting: ["minted", "failed", "approved"],
  failed: ["approved", "minting", "rejected", "cancelled"],
  // Only when its payment was reorganised out of the chain (minter/reorg.ts): paid again.
  minted: ["approved"],
  rejected: [],
  cancelled: [],
  offset: [],
};

export const fromStatesOf = (to: RewardState) =>
  (Object.keys(allowedTransitions) as RewardState[]).filter((from) => allowedTransitions[from].includes(to));

export interface TransitionInput {
  ids: string[];
  to: RewardState;
  actor: string;
  reason?: string | null;
  /** Only rewards in one of these states move (default: every state allowed to reach `to`). */
  from?: readonly RewardState[];
  /** Further columns set with the state. */
  set?: PgUpdateSetSource<typeof rewards>;
}

/**
 * Moves the rewards that are in an allowed state; returns the rows that moved. The update and
 * its audit rows commit together: in a transaction of their own, or as a savepoint of the
 * caller's.
 */
export async function transitionRewards(db: Tx | Db, input: TransitionInput): Promise<RewardRow[]> {
  if (input.ids.length === 0) return [];
  const from = (input.from ?? fromStatesOf(input.to)).filter((state) => allowedTransitions[state].includes(input.to));
  if (from.length === 0) return [];
  return db.transaction(async (tx) => {
    const before = tx.$with("before").as(
      tx
        .select({ id: rewards.id, state: rewards.state })
        .from(rewards)
        .where(and(inArray(rewards.id, input.ids), inArray(rewards.state, from)))
        .for("update"),
    );
    const moved = await tx
      .with(before)
      .update(rewards)
      .set({ ...input.set, state: input.to, updatedAt: sql`now()` })
      .from(before)
      .where(eq(rewards.id, before.id))
      .returning({ row: rewards, from: before.state });
    if (moved.length > 0) {
      await tx.insert(rewardTransitions).values(
        moved.map(({ row, from: fromState }) => ({
          rewardId: row.id,
          fromState,
          toState: input.to,
          actor: input.actor,
          reason: input.reason ?? null,
        })),
      );
      const eventType = hostEventTypeForState(input.to);
      if (eventType) {
        const details = input.reason ? { reason: input.reason } : {};
        await recordHostEvents(
          tx,
          moved.map(({ row }) => ({ type: eventType, reward: row, details })),
        );
      }
      // A reward that will never be paid gives back what it recovered of its referrer's clawbacks.
      if (input.to === "rejected" || input.to === "cancelled") {
        await releaseOffsets(
          tx,
          moved.filter(({ row }) => row.offsetTokenAmount !== "0").map(({ row }) => row.id),
        );
      }
    }
    return moved.map(({ row }) => row);
  });
}
