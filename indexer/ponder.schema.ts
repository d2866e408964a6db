// The indexer's tables: a mirror of what ReferralRewards emitted, shaped for the questions asked
// of it (is this order paid, how much has this referrer earned, what did the contract look like
// at block N). Ponder reverts every row of a reorged block by itself.
import { index, onchainEnum, onchainTable, type PgColumnsBuilders } from "ponder";

/** Where on the chain a row's event is: the transaction, block, log index and block time. */
const placeColumns = (t: PgColumnsBuilders) => ({
  txHash: t.hex().notNull(),
  blockNumber: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
  timestamp: t.bigint().notNull(),
});

/** One row per paid order: `paidOrders[orderRef]` is true exactly for these. */
export const payout = onchainTable(
  "payout",
  (t) => ({
    orderRef: t.hex().primaryKey(),
    referrer: t.hex().notNull(),
    amount: t.bigint().notNull(),
    ...placeColumns(t),
    /** Paid by `payReferralBatch` rather than `payReferral`. */
    batch: t.boolean().notNull(),
  }),
  (table) => ({
    referrerIdx: index().on(table.referrer, table.timestamp),
    blockIdx: index().on(table.blockNumber),
  }),
);

/** A batch entry the contract skipped because its order was already paid. */
export const skippedPayout = onchainTable(
  "skipped_payout",
  (t) => ({
    id: t.text().primaryKey(),
    orderRef: t.hex().notNull(),
    referrer: t.hex().notNull(),
    amount: t.bigint().notNull(),
    ...placeColumns(t),
  }),
  (table) => ({ orderRefIdx: index().on(table.orderRef) }),
);

/** The totals of one `payReferralBatch` call. */
export const payoutBatch = onchainTable("payout_batch", (t) => ({
  id: t.text().primaryKey(),
  txHash: t.hex().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  paid: t.integer().notNull(),
  skipped: t.integer().notNull(),
  totalAmount: t.bigint().notNull(),
}));

export const referrer = onchainTable("referrer", (t) => ({
  address: t.hex().primaryKey(),
  totalPaid: t.bigint().notNull(),
  payouts: t.integer().notNull(),
  firstPaidAt: t.bigint().notNull(),
  lastPaidAt: t.bigint().notNull(),
}));

/** Per UTC day (YYYY-MM-DD). */
export const dailyStat = onchainTable("daily_stat", (t) => ({
  day: t.text().primaryKey(),
  payouts: t.integer().notNull(),
  amount: t.bigint().notNull(),
  referrers: t.integer().notNull(),
}));

/** Which referrers were paid on which day: counts each referrer once in `daily_stat.referrers`. */
export const referrerDay = onchainTable("referrer_day", (t) => ({
  id: t.text().primaryKey(),
  day: t.text().notNull(),
  referrer: t.hex().notNull(),
}));

export const configKind = onchainEnum("config_kind", [
  "initialized",
  "mode",
  "token",
  "limits",
  "paused",
  "unpaused",
  "role_granted",
  "role_revoked",
  "role_admin_changed",
  "upgraded",
  "rescued",
]);

/** Every configuration event, in chain order; the columns a kind does not use are null. */
export const configChange = onchainTable(
  "config_change",
  (t) => ({
    id: t.text().primaryKey(),
    kind: configKind("kind").notNull(),
    ...placeColumns(t),
    /** MINT or TRANSFER (mode). */
    mode: t.text(),
    previousMode: t.text(),
    /** token, rescued token. */
    token: t.hex(),
    previousToken: t.hex(),
    batchPayouts: t.boolean(),
    maxPerPayment: t.bigint(),
    windowBudget: t.bigint(),
    windowDuration: t.integer(),
    /** Paused/Unpaused: who; roles: the account; rescued: the recipient. */
    account: t.hex(),
    role: t.hex(),
    /** Roles: who granted or revoked it. */
    sender: t.hex(),
    adminRole: t.hex(),
    previousAdminRole: t.hex(),
    implementation: t.hex(),
    amount: t.bigint(),
    version: t.integer(),
  }),
  (table) => ({ kindIdx: index().on(table.kind, table.blockNumber) }),
);

/** The contract as of the latest indexed block (one row: the proxy). */
export const contractState = onchainTable("contract_state", (t) => ({
  address: t.hex().primaryKey(),
  mode: t.text(),
  token: t.hex(),
  paused: t.boolean().notNull(),
  implementation: t.hex(),
  maxPerPayment: t.bigint(),
  windowBudget: t.bigint(),
  windowDuration: t.integer(),
  updatedAtBlock: t.bigint().notNull(),
}));

/** Who holds which role now. */
export const roleMember = onchainTable("role_member", (t) => ({
  id: t.text().primaryKey(),
  role: t.hex().notNull(),
  account: t.hex().notNull(),
  grantedAtBlock: t.bigint().notNull(),
}));
