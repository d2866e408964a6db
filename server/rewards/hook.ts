// The seam between orders and the reward ledger (rewards/ledger/hook.ts implements it; tests may
// pass their own).
import type { orders, users } from "../db/schema.ts";

export type OrderRow = typeof orders.$inferSelect;
export type UserRow = typeof users.$inferSelect;

/** What the order-paid step did: the reward (new or existing), or why the order has none. */
export type RewardOutcome = { rewardId: string } | { noReward: string };

export interface RewardHook {
  /** Called after the transaction that marked a store order paid has committed; may be called
   *  again for the same order (retries), so it must be idempotent. Throws when it could not decide. */
  onOrderPaid(order: OrderRow): Promise<RewardOutcome>;
  /** The same, for a membership order. */
  onMembershipPaid(user: UserRow, order: OrderRow): Promise<RewardOutcome>;
  /** Optional: many paid orders (store and membership) at once, one outcome per order, in order. */
  onOrdersPaid?(orders: readonly OrderRow[]): Promise<RewardOutcome[]>;
}
