// Turning paid orders into rewards, exactly once: a unique key on the order reference, the insert
// ignoring a row that exists, and `paidOrders` on-chain at mint time are the three layers. Orders
// come one at a time (credit payments, retries) or in batches (the webhooks' group commit); both
// go through the same code.
import { inArray, sql } from "drizzle-orm";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import type { Db } from "../../db/client.ts";
import { orders, rewards, rewardTransitions } from "../../db/schema.ts";
import { recordHostEvents } from "../../host-events/record.ts";
import type { OrderRow } from "../hook.ts";
import { type CommissionProgram, computeCommission } from "../money.ts";
import { shareOfRemainder } from "./amounts.ts";
import { netOfRefunds, pricedOnce, type Sizer, type Sizing, sizeReward } from "./size.ts";
import type { RewardRow } from "./transition.ts";

export interface LedgerSettings {
  program: CommissionProgram;
  /** Fiat rewards become approvable automatically this long after creation; undefined = never. */
  fiatAutoApproveSeconds: number | undefined;
  token: string;
  chainId: number;
}

export type CreateRewardResult =
  | { created: true; reward: RewardRow }
  | { created: false; reward: RewardRow }
  | { created: false; reward: undefined; reason: string };

export async function createRewardForOrder(
  db: Db,
  sizer: Sizer,
  settings: LedgerSettings,
  order: OrderRow,
): Promise<CreateRewardResult> {
  const [result] = await createRewardsForOrders(db, sizer, settings, [order]);
  return result!;
}

/** Why an order gets no reward, or undefined when it earns one. */
function noRewardReason(order: OrderRow): string | undefined {
  if (order.status !== "paid" || !order.rail) return `order is ${order.status}, not paid`;
  if (order.attribution !== "accepted" || !order.referrerUserId || !order.referrerWallet) {
    return order.attribution === "rejected" ? `attribution rejected: ${order.attributionReason}` : "no referral";
  }
  return undefined;
}

/**
 * The reward of each order (in order): created, already there, or why there is none. Prices are
 * read before the transaction (one read per currency), so no lock is held across an RPC call.
 */
export async function createRewardsForOrders(
  db: Db,
  sizer: Sizer,
  settings: LedgerSettings,
  paid: readonly OrderRow[],
): Promise<CreateRewardResult[]> {
  const results: (CreateRewardResult | undefined)[] = paid.map((order) => {
    const reason = noRewardReason(order);
    return reason === undefined ? undefined : { created: false, reward: undefined, reason };
  });
  const earning = paid.filter((_, i) => results[i] === undefined);
  if (earning.length === 0) return results as CreateRewardResult[];

  const gross = new Map<string, { grossRewardMinor: bigint; commissionBps: number; sizing: Sizing }>();
  const priced = pricedOnce(sizer);
  for (const order of earning) {
    const { rewardMinor, commissionBps } = computeCommission(
      { kind: order.kind, amountMinor: order.amountMinor, lineItems: order.lineItems as never[] },
      settings.program,
    );
    const sizing = await sizeReward(priced, { currency: order.currency, rewardMinor });
    gross.set(order.orderReference, { grossRewardMinor: rewardMinor, commissionBps, sizing });
  }

  const references = earning.map((order) => order.orderReference);
  const byReference = await db.transaction(async (tx) => {
    // A refund locks the order row to apply itself to the reward; reading the refunded amount
    // under a share lock means the reward is either created before the refund (which then finds
    // and adjusts it) or after it (and starts from what is left). Locked in key order, like
    // every other path that locks several orders.
    const current = await tx
      .select({ orderReference: orders.orderReference, refundedMinor: orders.refundedMinor })
      .from(orders)
      .where(sql`${orders.orderReference} = any(${sql.placeholder("references")})`)
      .orderBy(orders.orderReference)
      .for("share")
      .prepare("rewards_share_orders")
      .execute({ references });
    const refundedOf = new Map(current.map((row) => [row.orderReference, row.refundedMinor]));
    const outcome = new Map<string, CreateRewardResult>();
    const values: (typeof rewards.$inferInsert)[] = [];
    for (const order of earning) {
      const refundedMinor = refundedOf.get(order.orderReference) ?? order.refundedMinor;
      if (refundedMinor >= order.amountMinor) {
        outcome.set(order.orderReference, {
          created: false,
          reward: undefined,
          reason: "refunded in full before the reward was created",
        });
        continue;
      }
      values.push(rewardValues(order, settings, gross.get(order.orderReference)!, refundedMinor));
    }
    if (values.length > 0) {
      const inserted = await tx.insert(rewards).values(values).onConflictDoNothing().returning();
      if (inserted.length > 0) {
        await tx.insert(rewardTransitions).values(
          inserted.map((reward) => ({
            rewardId: reward.id,
            fromState: null,
            toState: reward.state,
            actor: "system:order-paid",
            reason: reward.rail === "crypto" ? "internal credit: approved at once" : "fiat: awaiting approval",
          })),
        );
      }
      await recordHostEvents(
        tx,
        inserted.flatMap((reward) => [
          { type: "reward.created" as const, reward },
          // Internal-credit rewards are born approved: hosts waiting for approvals hear of them too.
          ...(reward.state === "approved" ? [{ type: "reward.approved" as const, reward }] : []),
        ]),
      );
      for (const reward of inserted) outcome.set(reward.orderReference, { created: true, reward });
      const existing = values.filter((row) => !outcome.has(row.orderReference));
      if (existing.length > 0) {
        const winners = await tx
          .select()
          .from(rewards)
          .where(
            inArray(
              rewards.orderReference,
              existing.map((row) => row.orderReference),
            ),
          );
        for (const reward of winners) outcome.set(reward.orderReference, { created: false, reward });
      }
    }
    return outcome;
  });
  return paid.map((order, i) => results[i] ?? byReference.get(order.orderReference)!);
}

function rewardValues(
  order: OrderRow,
  settings: LedgerSettings,
  gross: { grossRewardMinor: bigint; commissionBps: number; sizing: Sizing },
  refundedMinor: number,
): typeof rewards.$inferInsert {
  const state = order.rail === "crypto" ? "approved" : "pending_approval";
  return {
    orderReference: order.orderReference,
    orderRef: orderRefOf(order.orderReference),
    kind: order.kind,
    refcodeId: order.refcodeId,
    referralCode: order.referralCode,
    referrerUserId: order.referrerUserId!,
    referrerWallet: order.referrerWallet!,
    refereeUserId: order.buyerUserId,
    baseAmountMinor: order.amountMinor,
    currency: order.currency,
    commissionBps: gross.commissionBps,
    grossRewardMinor: Number(gross.grossRewardMinor),
    refundedMinor,
    rewardMinor: Number(shareOfRemainder(gross.grossRewardMinor, BigInt(order.amountMinor), BigInt(refundedMinor))),
    ...netOfRefunds(gross.sizing, { baseAmountMinor: order.amountMinor, refundedMinor }),
    token: settings.token,
    chainId: settings.chainId,
    rail: order.rail!,
    state,
    approveAfter:
      state === "pending_approval" && settings.fiatAutoApproveSeconds !== undefined
        ? new Date(Date.now() + settings.fiatAutoApproveSeconds * 1000)
        : null,
  };
}
