import type { Db } from "../../db/client.ts";
import type { OrderRow, RewardHook, RewardOutcome } from "../hook.ts";
import { type CreateRewardResult, createRewardsForOrders, type LedgerSettings } from "./create.ts";
import type { Sizer } from "./size.ts";

const outcomeOf = (result: CreateRewardResult): RewardOutcome =>
  result.reward === undefined ? { noReward: result.reason } : { rewardId: result.reward.id };

/** The reward ledger behind the order-paid hook. Membership orders carry the buyer's sign-up
 *  referrer already (decided when the order was created), so both paths are the same. */
export function createLedgerHook(db: Db, sizer: Sizer, settings: LedgerSettings): RewardHook {
  const createAll = async (paid: readonly OrderRow[]) =>
    (await createRewardsForOrders(db, sizer, settings, paid)).map(outcomeOf);
  const create = async (order: OrderRow) => (await createAll([order]))[0]!;
  return { onOrderPaid: create, onMembershipPaid: (_user, order) => create(order), onOrdersPaid: createAll };
}
