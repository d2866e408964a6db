// One handler per ReferralRewards event. Every write is keyed by what the chain makes unique
// (orderRef, tx hash + log index, address), and Ponder reverts a reorged block's writes itself,
// so replaying a block after a reorg lands on the same rows.
import { ponder } from "ponder:registry";
import {
  configChange,
  contractState,
  dailyStat,
  payout,
  payoutBatch,
  referrer,
  referrerDay,
  roleMember,
  skippedPayout,
} from "ponder:schema";
import { type Hex, toFunctionSelector } from "viem";
import { referralRewardsAbi } from "../../deployments/abi.ts";

const batchSelector = toFunctionSelector(
  referralRewardsAbi.find((item) => item.type === "function" && item.name === "payReferralBatch")!,
);
const modeNames = ["MINT", "TRANSFER"] as const;
const modeName = (mode: number) => modeNames[mode] ?? `UNKNOWN(${mode})`;
const dayOf = (timestamp: bigint) => new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);

interface OnChain {
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: Hex };
  log: { logIndex: number; address: Hex };
}
const idOf = (event: OnChain) => `${event.transaction.hash}-${event.log.logIndex}`;
const placeOf = (event: OnChain) => ({
  txHash: event.transaction.hash,
  blockNumber: event.block.number,
  logIndex: event.log.logIndex,
  timestamp: event.block.timestamp,
});

ponder.on("ReferralRewards:ReferralPaid", async ({ event, context }) => {
  const { orderRef, amount } = event.args;
  const paidTo = event.args.referrer.toLowerCase() as Hex;
  const at = event.block.timestamp;
  await context.db.insert(payout).values({
    orderRef,
    referrer: paidTo,
    amount,
    ...placeOf(event),
    batch: event.transaction.input.slice(0, 10).toLowerCase() === batchSelector,
  });
  await context.db
    .insert(referrer)
    .values({ address: paidTo, totalPaid: amount, payouts: 1, firstPaidAt: at, lastPaidAt: at })
    .onConflictDoUpdate((row) => ({
      totalPaid: row.totalPaid + amount,
      payouts: row.payouts + 1,
      lastPaidAt: at > row.lastPaidAt ? at : row.lastPaidAt,
    }));
  const day = dayOf(at);
  const firstToday = (await context.db.find(referrerDay, { id: `${day}-${paidTo}` })) === null;
  if (firstToday) await context.db.insert(referrerDay).values({ id: `${day}-${paidTo}`, day, referrer: paidTo });
  await context.db
    .insert(dailyStat)
    .values({ day, payouts: 1, amount, referrers: 1 })
    .onConflictDoUpdate((row) => ({
      payouts: row.payouts + 1,
      amount: row.amount + amount,
      referrers: row.referrers + (firstToday ? 1 : 0),
    }));
});

ponder.on("ReferralRewards:ReferralPaymentSkipped", async ({ event, context }) => {
  await context.db.insert(skippedPayout).values({
    id: idOf(event),
    orderRef: event.args.orderRef,
    referrer: event.args.referrer.toLowerCase() as Hex,
    amount: event.args.amount,
    ...placeOf(event),
  });
});

ponder.on("ReferralRewards:ReferralBatchPaid", async ({ event, context }) => {
  await context.db.insert(payoutBatch).values({
    id: idOf(event),
    txHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    paid: Number(event.args.paid),
    skipped: Number(event.args.skipped),
    totalAmount: event.args.totalAmount,
  });
});

type ConfigRow = Omit<typeof configChange.$inferInsert, "id" | "txHash" | "blockNumber" | "logIndex" | "timestamp">;
type StateChange = Partial<Omit<typeof contractState.$inferInsert, "address" | "updatedAtBlock">>;

/** Appends to the configuration history and folds the change into the current state. */
async function recordConfig(
  context: { db: any },
  event: OnChain,
  change: ConfigRow,
  state: StateChange = {},
): Promise<void> {
  await context.db.insert(configChange).values({ id: idOf(event), ...placeOf(event), ...change });
  await context.db
    .insert(contractState)
    .values({ address: event.log.address.toLowerCase(), paused: false, ...state, updatedAtBlock: event.block.number })
    .onConflictDoUpdate({ ...state, updatedAtBlock: event.block.number });
}

ponder.on("ReferralRewards:Initialized", async ({ event, context }) => {
  await recordConfig(context, event, { kind: "initialized", version: Number(event.args.version) });
});

ponder.on("ReferralRewards:RewardModeUpdated", async ({ event, context }) => {
  const mode = modeName(event.args.newMode);
  await recordConfig(context, event, { kind: "mode", mode, previousMode: modeName(event.args.previousMode) }, { mode });
});

ponder.on("ReferralRewards:RewardTokenUpdated", async ({ event, context }) => {
  const token = event.args.newToken.toLowerCase() as Hex;
  await recordConfig(
    context,
    event,
    {
      kind: "token",
      token,
      previousToken: event.args.previousToken.toLowerCase() as Hex,
      batchPayouts: event.args.batchPayouts,
    },
    { token },
  );
});

ponder.on("ReferralRewards:LimitsUpdated", async ({ event, context }) => {
  const limits = {
    maxPerPayment: event.args.maxPerPayment,
    windowBudget: event.args.windowBudget,
    windowDuration: Number(event.args.windowDuration),
  };
  await recordConfig(context, event, { kind: "limits", ...limits }, limits);
});

const recordPause =
  (paused: boolean) =>
  async ({ event, context }: { event: OnChain & { args: { account: Hex } }; context: { db: any } }) =>
    recordConfig(
      context,
      event,
      { kind: paused ? "paused" : "unpaused", account: event.args.account.toLowerCase() as Hex },
      { paused },
    );
ponder.on("ReferralRewards:Paused", recordPause(true));
ponder.on("ReferralRewards:Unpaused", recordPause(false));

ponder.on("ReferralRewards:Upgraded", async ({ event, context }) => {
  const implementation = event.args.implementation.toLowerCase() as Hex;
  await recordConfig(context, event, { kind: "upgraded", implementation }, { implementation });
});

type RoleEvent = OnChain & { args: { role: Hex; account: Hex; sender: Hex } };

/** A grant or revocation in the history; returns the role_member row's id. */
async function recordRole(context: { db: any }, event: RoleEvent, kind: "role_granted" | "role_revoked") {
  const { role, account, sender } = event.args;
  const member = account.toLowerCase() as Hex;
  await recordConfig(context, event, { kind, role, account: member, sender: sender.toLowerCase() as Hex });
  return { id: `${role}-${member}`, role, account: member };
}

ponder.on("ReferralRewards:RoleGranted", async ({ event, context }) => {
  const member = await recordRole(context, event, "role_granted");
  await context.db
    .insert(roleMember)
    .values({ ...member, grantedAtBlock: event.block.number })
    .onConflictDoNothing();
});

ponder.on("ReferralRewards:RoleRevoked", async ({ event, context }) => {
  const { id } = await recordRole(context, event, "role_revoked");
  await context.db.delete(roleMember, { id });
});

ponder.on("ReferralRewards:RoleAdminChanged", async ({ event, context }) => {
  await recordConfig(context, event, {
    kind: "role_admin_changed",
    role: event.args.role,
    adminRole: event.args.newAdminRole,
    previousAdminRole: event.args.previousAdminRole,
  });
});

ponder.on("ReferralRewards:Rescued", async ({ event, context }) => {
  await recordConfig(context, event, {
    kind: "rescued",
    token: event.args.token.toLowerCase() as Hex,
    account: event.args.to.toLowerCase() as Hex,
    amount: event.args.amount,
  });
});
