// The seam between orders and the reward ledger. The ledger (next issue) implements it; until
// then paid orders call the no-op below.
import type { orders, users } from "../db/schema.ts";

export type OrderRow = typeof orders.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export interface RewardHook {
  /** Called once, after the transaction that marked a store order paid has committed. */
  onOrderPaid(order: OrderRow): Promise<void>;
  /** Called once, after a membership order was marked paid. */
  onMembershipPaid(user: UserRow, order: OrderRow): Promise<void>;
}

export const noRewards: RewardHook = {
  onOrderPaid: async () => {},
  onMembershipPaid: async () => {},
};
