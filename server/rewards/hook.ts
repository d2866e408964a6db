// The seam between orders and the reward ledger (rewards/ledger/hook.ts implements it; tests may
// pass their own).
import type { orders, users } from "../db/schema.ts";

export type OrderRow = typeof orders.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export interface RewardHook {
  /** Called once, after the transaction that marked a store order paid has committed. */
  onOrderPaid(order: OrderRow): Promise<void>;
  /** Called once, after a membership order was marked paid. */
  onMembershipPaid(user: UserRow, order: OrderRow): Promise<void>;
}
