import type { Db } from "../../db/client.ts";
import type { OrderRow, RewardHook, RewardOutcome } from "../hook.ts";
import { createRewardForOrder, type LedgerSettings } from "./create.ts";
import type { Sizer } from "./size.ts";

/** The reward ledger behind the order-paid hook. Membership orders carry the buyer's sign-up
 *  referrer already (decided when the order was created), so both paths are the same. */
export function createLedgerHook(db: Db, sizer: Sizer, settings: LedgerSettings): RewardHook {
  const create = async (order: OrderRow): Promise<RewardOutcome> => {
    const result = await createRewardForOrder(db, sizer, settings, order);
    return result.reward === undefined ? { noReward: result.reason } : { rewardId: result.reward.id };
  };
  return { onOrderPaid: create, onMembershipPaid: (_user, order) => create(order) };
}
