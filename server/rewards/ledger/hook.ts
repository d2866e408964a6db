import type { Logger } from "pino";
import type { Db } from "../../db/client.ts";
import type { RewardHook } from "../hook.ts";
import { createRewardForOrder, type LedgerSettings } from "./create.ts";
import type { Sizer } from "./size.ts";

/** The reward ledger behind the order-paid hook. Membership orders carry the buyer's sign-up
 *  referrer already (decided when the order was created), so both paths are the same. */
export function createLedgerHook(db: Db, sizer: Sizer, settings: LedgerSettings, logger: Logger): RewardHook {
  const create = async (order: Parameters<RewardHook["onOrderPaid"]>[0]) => {
    const result = await createRewardForOrder(db, sizer, settings, order);
    if (result.reward === undefined)
      logger.info({ orderReference: order.orderReference, reason: result.reason }, "no reward");
  };
  return { onOrderPaid: create, onMembershipPaid: (_user, order) => create(order) };
}
