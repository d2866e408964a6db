import { and, eq, isNotNull, lte } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { rewards } from "../../db/schema.ts";
import { type RewardRow, transitionRewards } from "./transition.ts";

/** Approves (or rejects) many rewards in one transaction; returns those that moved. */
export function decideRewards(
  db: Db,
  input: { ids: string[]; decision: "approved" | "rejected"; actor: string; reason?: string | null },
): Promise<RewardRow[]> {
  return db.transaction((tx) =>
    transitionRewards(tx, {
      ids: input.ids,
      to: input.decision,
      actor: input.actor,
      reason: input.reason ?? null,
      from: input.decision === "approved" ? ["pending_approval"] : ["pending_approval", "approved", "failed"],
    }),
  );
}

/** Fiat rewards whose hold period (the refund window) has passed become approved. */
export async function approveDueRewards(db: Db, now = new Date()): Promise<number> {
  const due = await db
    .select({ id: rewards.id })
    .from(rewards)
    .where(and(eq(rewards.state, "pending_approval"), isNotNull(rewards.approveAfter), lte(rewards.approveAfter, now)));
  if (due.length === 0) return 0;
  const moved = await db.transaction((tx) =>
    transitionRewards(tx, {
      ids: due.map((row) => row.id),
      to: "approved",
      from: ["pending_approval"],
      actor: "system:auto-approve",
      reason: "hold period over",
    }),
  );
  return moved.length;
}
