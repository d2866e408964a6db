// The server's tables. Migrations in server/db/migrations are generated from this file with
// `npm run db:generate` and applied on start; never edit an applied migration.
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { paymentEventKinds, paymentProviders } from "../payments/event.ts";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
const moment = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const minorUnits = (name: string) => bigint(name, { mode: "number" });

/** Key-value settings the server generates once and shares across replicas (e.g. the visitor salt). */
export const serverSettings = pgTable("server_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const attributionDecisions = ["none", "accepted", "rejected"] as const;

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The host platform's id for a buyer created through the host API. */
    externalId: text("external_id"),
    createdAt: moment("created_at").notNull().defaultNow(),
    /** Sign-up attribution: the code in the first-touch cookie at the first sign-in. */
    referredByCodeId: uuid("referred_by_code_id"),
    referredByUserId: uuid("referred_by_user_id"),
    signupAttribution: text("signup_attribution", { enum: attributionDecisions }).notNull().default("none"),
    signupAttributionReason: text("signup_attribution_reason"),
  },
  (t) => [uniqueIndex("users_external_id_key").on(t.externalId)],
);

/** A wallet belongs to exactly one user; addresses are stored checksummed. */
export const wallets = pgTable(
  "wallets",
  {
    address: text("address").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    linkedAt: moment("linked_at").notNull().defaultNow(),
  },
  (t) => [index("wallets_user_id_idx").on(t.userId)],
);

/** Issued SIWE nonces; a sign-in deletes its row, so a nonce is single-use by construction. */
export const siweNonces = pgTable("siwe_nonces", {
  nonce: text("nonce").primaryKey(),
  expiresAt: moment("expires_at").notNull(),
});

export const sessions = pgTable(
  "sessions",
  {
    /** sha256 of the cookie value: a database leak does not leak live sessions. */
    tokenHash: bytea("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    wallet: text("wallet").notNull(),
    createdAt: moment("created_at").notNull().defaultNow(),
    expiresAt: moment("expires_at").notNull(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

/** Server-to-server keys for host platforms; only a hash is kept. */
export const apiKeys = pgTable("api_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  keyHash: bytea("key_hash").notNull().unique(),
  /** The first characters of the key, to recognise it in a list. */
  prefix: text("prefix").notNull(),
  createdAt: moment("created_at").notNull().defaultNow(),
  revokedAt: moment("revoked_at"),
  lastUsedAt: moment("last_used_at"),
});

export const refcodes = pgTable(
  "refcodes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** As the owner typed it (vanity) or as generated. */
    code: text("code").notNull(),
    /** Lower case: uniqueness and lookups are case-insensitive. */
    codeKey: text("code_key").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    wallet: text("wallet").notNull(),
    kind: text("kind", { enum: ["generated", "vanity"] }).notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: moment("created_at").notNull().defaultNow(),
    deactivatedAt: moment("deactivated_at"),
  },
  (t) => [uniqueIndex("refcodes_code_key_key").on(t.codeKey), index("refcodes_user_id_idx").on(t.userId)],
);

/** One row per (code, UTC day, visitor): the primary key is the de-duplication rule. */
export const refcodeVisitors = pgTable(
  "refcode_visitors",
  {
    codeId: uuid("code_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    visitor: bytea("visitor").notNull(),
  },
  (t) => [primaryKey({ columns: [t.codeId, t.day, t.visitor] })],
);

/** Daily visit buckets per code, incremented by the beacon's group commit. */
export const refcodeVisitDays = pgTable(
  "refcode_visit_days",
  {
    codeId: uuid("code_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    visits: integer("visits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.codeId, t.day] })],
);

export const attributionReasons = [
  "unknown_code",
  "inactive_code",
  "self_referral",
  "wallet_overlap",
  "not_first_purchase",
] as const;

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderReference: text("order_reference").notNull(),
    kind: text("kind", { enum: ["store", "membership"] }).notNull(),
    source: text("source", { enum: ["app", "host"] }).notNull(),
    buyerUserId: uuid("buyer_user_id")
      .notNull()
      .references(() => users.id),
    /** Wallets the host platform named for the buyer, checked by the overlap guard with the linked ones. */
    buyerWallets: text("buyer_wallets")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    amountMinor: minorUnits("amount_minor").notNull(),
    currency: text("currency").notNull(),
    lineItems: jsonb("line_items")
      .notNull()
      .default(sql`'[]'::jsonb`),
    status: text("status", { enum: ["pending", "paid", "cancelled", "refunded"] })
      .notNull()
      .default("pending"),
    rail: text("rail", { enum: ["fiat", "crypto"] }),
    paidAt: moment("paid_at"),
    /** The payment provider that paid a fiat order. */
    paymentProvider: text("payment_provider"),
    /** Refunded and charged back so far, in minor units: the reward follows the remainder. */
    refundedMinor: minorUnits("refunded_minor").notNull().default(0),
    referralCode: text("referral_code"),
    refcodeId: uuid("refcode_id"),
    referrerUserId: uuid("referrer_user_id"),
    referrerWallet: text("referrer_wallet"),
    attribution: text("attribution", { enum: attributionDecisions }).notNull(),
    attributionReason: text("attribution_reason", { enum: attributionReasons }),
    createdAt: moment("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_order_reference_key").on(t.orderReference),
    // The first-purchase guard: one index-only probe for "has this buyer a paid order".
    index("orders_buyer_paid_idx")
      .on(t.buyerUserId)
      .where(sql`status = 'paid'`),
    index("orders_refcode_id_idx").on(t.refcodeId),
    check("orders_amount_positive", sql`amount_minor > 0`),
    check("orders_refunded_within_amount", sql`refunded_minor >= 0 and refunded_minor <= amount_minor`),
  ],
);

/** Current credit per (user, currency); the check constraint makes an overdraft impossible. */
export const creditBalances = pgTable(
  "credit_balances",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    currency: text("currency").notNull(),
    balanceMinor: minorUnits("balance_minor").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.currency] }),
    check("credit_balance_non_negative", sql`balance_minor >= 0`),
  ],
);

/** Every credit movement; a balance is always the sum of its entries. */
export const creditEntries = pgTable(
  "credit_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    currency: text("currency").notNull(),
    amountMinor: minorUnits("amount_minor").notNull(),
    kind: text("kind", { enum: ["grant", "order_payment"] }).notNull(),
    orderReference: text("order_reference"),
    actor: text("actor").notNull(),
    note: text("note"),
    createdAt: moment("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("credit_entries_user_idx").on(t.userId, t.currency),
    // An order is debited at most once, whatever races the API sees.
    uniqueIndex("credit_entries_order_payment_key")
      .on(t.orderReference)
      .where(sql`kind = 'order_payment'`),
  ],
);

export const rewardStates = [
  "pending_approval",
  "approved",
  "minting",
  "minted",
  "rejected",
  "cancelled",
  "failed",
  /** Fully absorbed by the referrer's open clawbacks: settled without an on-chain payment. */
  "offset",
] as const;

/** A referral reward: one per paid, attributed order (the order reference is the key everywhere). */
export const rewards = pgTable(
  "rewards",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderReference: text("order_reference").notNull(),
    /** keccak256(orderReference): the key of `paidOrders` on-chain. */
    orderRef: text("order_ref").notNull(),
    kind: text("kind", { enum: ["store", "membership"] }).notNull(),
    refcodeId: uuid("refcode_id"),
    referralCode: text("referral_code"),
    referrerUserId: uuid("referrer_user_id").notNull(),
    referrerWallet: text("referrer_wallet").notNull(),
    refereeUserId: uuid("referee_user_id").notNull(),
    baseAmountMinor: minorUnits("base_amount_minor").notNull(),
    currency: text("currency").notNull(),
    commissionBps: integer("commission_bps").notNull(),
    /** The commission on the whole order, before refunds, in the order currency's minor units. */
    grossRewardMinor: minorUnits("gross_reward_minor").notNull(),
    /** The part of the order refunded or charged back (mirrors the order when the refund applied). */
    refundedMinor: minorUnits("refunded_minor").notNull().default(0),
    /** The reward after refunds: gross × (base − refunded) / base, rounded down. */
    rewardMinor: minorUnits("reward_minor").notNull(),
    /** `sized` once a fresh price converted it to tokens; `pending_price` until then. */
    sizing: text("sizing", { enum: ["sized", "pending_price"] }).notNull(),
    sizingError: text("sizing_error"),
    /** The price used: `priceAnswer / 10^priceDecimals` currency units per token. */
    priceAnswer: numeric("price_answer", { precision: 78, scale: 0 }),
    priceDecimals: integer("price_decimals"),
    priceSource: text("price_source"),
    priceRound: text("price_round"),
    priceAt: moment("price_at"),
    /** The gross reward in token units (wei), rounded down, as sized. */
    grossTokenAmount: numeric("gross_token_amount", { precision: 78, scale: 0 }),
    /** Open clawbacks of the referrer recovered from this reward before it was paid. */
    offsetTokenAmount: numeric("offset_token_amount", { precision: 78, scale: 0 }).notNull().default("0"),
    /** What is paid on-chain: gross × (base − refunded) / base − offset, in wei. */
    tokenAmount: numeric("token_amount", { precision: 78, scale: 0 }),
    token: text("token").notNull(),
    chainId: integer("chain_id").notNull(),
    rail: text("rail", { enum: ["fiat", "crypto"] }).notNull(),
    state: text("state", { enum: rewardStates }).notNull(),
    /** Fiat rail: approved automatically from this time on (the refund window), when configured. */
    approveAfter: moment("approve_after"),
    batchId: uuid("batch_id"),
    txHash: text("tx_hash"),
    txNonce: integer("tx_nonce"),
    blockNumber: bigint("block_number", { mode: "number" }),
    mintedAt: moment("minted_at"),
    lastError: text("last_error"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: moment("created_at").notNull().defaultNow(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("rewards_order_reference_key").on(t.orderReference),
    uniqueIndex("rewards_order_ref_key").on(t.orderRef),
    index("rewards_state_idx").on(t.state, t.createdAt),
    index("rewards_referrer_idx").on(t.referrerUserId, t.createdAt),
  ],
);

/** Every state change of a reward, appended in the same transaction as the change. */
export const rewardTransitions = pgTable(
  "reward_transitions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    rewardId: uuid("reward_id")
      .notNull()
      .references(() => rewards.id),
    fromState: text("from_state", { enum: rewardStates }),
    toState: text("to_state", { enum: rewardStates }).notNull(),
    actor: text("actor").notNull(),
    reason: text("reason"),
    at: moment("at").notNull().defaultNow(),
  },
  (t) => [index("reward_transitions_reward_idx").on(t.rewardId, t.id)],
);

/** Where the token price in a currency comes from. */
export const priceSources = pgTable("price_sources", {
  currency: text("currency").primaryKey(),
  kind: text("kind", { enum: ["aggregator", "desk"] }).notNull(),
  /** AggregatorV3 feed address (kind aggregator). */
  feed: text("feed"),
  maxAgeSeconds: integer("max_age_seconds").notNull().default(3600),
  updatedBy: text("updated_by").notNull(),
  updatedAt: moment("updated_at").notNull().defaultNow(),
});

/** Admin-set desk rates: `answer / 10^decimals` currency units per token. */
export const deskRates = pgTable("desk_rates", {
  currency: text("currency").primaryKey(),
  answer: numeric("answer", { precision: 78, scale: 0 }).notNull(),
  decimals: integer("decimals").notNull(),
  setBy: text("set_by").notNull(),
  setAt: moment("set_at").notNull().defaultNow(),
});

/** What processing a delivery did; `needs_review` outcomes are listed for an admin. */
export const paymentOutcomes = [
  "order_paid",
  "already_paid",
  "amount_mismatch",
  "unknown_order",
  "order_not_payable",
  "refund_applied",
  "refund_deferred",
  "already_refunded",
  "provider_mismatch",
  "recorded",
  "ignored",
  "bad_signature",
  "wrong_merchant",
  "invalid_payload",
] as const;

/**
 * Every webhook delivery, authentic or not. (provider, provider_event_id) is the idempotency key:
 * the row is inserted in the transaction that acts on the event, so a duplicate either finds it
 * committed or waits on the unique index until the first one commits.
 */
export const paymentTransactions = pgTable(
  "payment_transactions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    provider: text("provider", { enum: paymentProviders }).notNull(),
    /** Null when the delivery could not be authenticated or read (no trustworthy id). */
    providerEventId: text("provider_event_id"),
    kind: text("kind", { enum: paymentEventKinds }),
    providerStatus: text("provider_status"),
    orderReference: text("order_reference"),
    /** This event's amount in minor units (a refund's own amount, not the cumulative one). */
    amountMinor: minorUnits("amount_minor"),
    currency: text("currency"),
    /** The provider's payment id (Stripe PaymentIntent), to find the order of a dispute. */
    paymentId: text("payment_id"),
    chargeId: text("charge_id"),
    /** The request body exactly as received. */
    payload: text("payload").notNull(),
    signatureValid: boolean("signature_valid").notNull(),
    receivedAt: moment("received_at").notNull().defaultNow(),
    /** Null while a refund waits for its order to be paid. */
    processedAt: moment("processed_at"),
    outcome: text("outcome", { enum: paymentOutcomes }).notNull(),
    detail: text("detail"),
    needsReview: boolean("needs_review").notNull().default(false),
  },
  (t) => [
    uniqueIndex("payment_transactions_event_key").on(t.provider, t.providerEventId),
    index("payment_transactions_order_idx").on(t.orderReference),
    index("payment_transactions_payment_idx")
      .on(t.provider, t.paymentId)
      .where(sql`payment_id is not null`),
    index("payment_transactions_charge_idx")
      .on(t.provider, t.chargeId)
      .where(sql`charge_id is not null`),
    index("payment_transactions_review_idx")
      .on(t.receivedAt)
      .where(sql`needs_review`),
  ],
);

export const rewardTaskStates = ["pending", "created", "no_reward", "rejected"] as const;

/**
 * The order-paid → reward step as durable work: inserted with the payment, resolved when the
 * reward exists (or why there is none), retried by the sweep until then. No paid order ends
 * without one of the two.
 */
export const rewardTasks = pgTable(
  "reward_tasks",
  {
    orderReference: text("order_reference").primaryKey(),
    state: text("state", { enum: rewardTaskStates }).notNull().default("pending"),
    /** Why there is no reward (no_reward), or the admin's reason (rejected). */
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: moment("next_attempt_at").notNull(),
    createdAt: moment("created_at").notNull().defaultNow(),
    resolvedAt: moment("resolved_at"),
    resolvedBy: text("resolved_by"),
  },
  (t) => [
    index("reward_tasks_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`state = 'pending'`),
  ],
);

export const rewardAdjustmentKinds = ["refund", "clawback", "offset", "offset_reversal"] as const;

/**
 * Every change of a reward's amount after creation, the netting made visible:
 * - `refund`: a refund before payout lowered the reward (token and fiat amounts lowered);
 * - `clawback`: a refund after payout; the referrer owes `token_amount`, `outstanding` of it still;
 * - `offset`: part of a clawback recovered from a later reward of the same referrer (that reward
 *   pays less); `clawback_id` names the clawback;
 * - `offset_reversal`: that reward was rejected or cancelled, so the offset went back to its clawback.
 */
export const rewardAdjustments = pgTable(
  "reward_adjustments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind", { enum: rewardAdjustmentKinds }).notNull(),
    rewardId: uuid("reward_id")
      .notNull()
      .references(() => rewards.id),
    referrerUserId: uuid("referrer_user_id").notNull(),
    token: text("token").notNull(),
    chainId: integer("chain_id").notNull(),
    /** The order whose refund caused it. */
    orderReference: text("order_reference").notNull(),
    clawbackId: bigint("clawback_id", { mode: "number" }),
    paymentTransactionId: bigint("payment_transaction_id", { mode: "number" }),
    /** Magnitude in token units (wei); null while the reward was unsized. */
    tokenAmount: numeric("token_amount", { precision: 78, scale: 0 }),
    rewardMinor: minorUnits("reward_minor").notNull(),
    currency: text("currency").notNull(),
    /** clawback rows: what is still owed. */
    outstanding: numeric("outstanding", { precision: 78, scale: 0 }),
    reason: text("reason"),
    createdAt: moment("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("reward_adjustments_reward_idx").on(t.rewardId),
    index("reward_adjustments_open_clawbacks_idx")
      .on(t.referrerUserId, t.token, t.chainId, t.id)
      .where(sql`kind = 'clawback' and outstanding > 0`),
    index("reward_adjustments_clawback_idx")
      .on(t.clawbackId)
      .where(sql`clawback_id is not null`),
  ],
);

export const hostEventTypes = [
  "reward.created",
  "reward.approved",
  "reward.paid",
  "reward.cancelled",
  "reward.clawback",
] as const;

/** A host platform's URL that receives signed reward events (see server/host-events/). */
export const eventEndpoints = pgTable("event_endpoints", {
  id: uuid("id").primaryKey().defaultRandom(),
  url: text("url").notNull(),
  description: text("description"),
  /** HMAC-SHA256 key of the signatures; shown once when the endpoint is created. */
  secret: text("secret").notNull(),
  /** The types it receives; empty means all of them. */
  eventTypes: text("event_types", { enum: hostEventTypes })
    .array()
    .notNull()
    .default(sql`'{}'`),
  active: boolean("active").notNull().default(true),
  createdAt: moment("created_at").notNull().defaultNow(),
  updatedAt: moment("updated_at").notNull().defaultNow(),
});

/**
 * The outbox: one row per thing that happened to a reward, written in the transaction that made
 * it happen. `key` makes it happen once (a reward is approved once however often it re-enters
 * `approved`); the row's id is the idempotency key hosts receive.
 */
export const hostEvents = pgTable(
  "host_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    type: text("type", { enum: hostEventTypes }).notNull(),
    rewardId: uuid("reward_id").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: moment("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("host_events_key_key").on(t.key), index("host_events_reward_idx").on(t.rewardId)],
);

export const eventDeliveryStates = ["pending", "delivered", "failed"] as const;

/** One event for one endpoint: retried with backoff until delivered or out of attempts. */
export const eventDeliveries = pgTable(
  "event_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    eventId: uuid("event_id")
      .notNull()
      .references(() => hostEvents.id),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => eventEndpoints.id),
    state: text("state", { enum: eventDeliveryStates }).notNull().default("pending"),
    /** Attempts since it was created or last re-sent. */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: moment("next_attempt_at").notNull().defaultNow(),
    /** A dispatcher holds the delivery until then; a crashed one's claim simply expires. */
    leaseUntil: moment("lease_until"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    deliveredAt: moment("delivered_at"),
    createdAt: moment("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("event_deliveries_event_endpoint_key").on(t.eventId, t.endpointId),
    index("event_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`state = 'pending'`),
    index("event_deliveries_endpoint_idx").on(t.endpointId, t.id),
  ],
);

/** The delivery log: every POST made, with what came back. */
export const eventDeliveryAttempts = pgTable(
  "event_delivery_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: bigint("delivery_id", { mode: "number" })
      .notNull()
      .references(() => eventDeliveries.id),
    /** The HTTP status, or null when no response came (refused, timed out). */
    status: integer("status"),
    error: text("error"),
    /** The first 1 KiB of the response body. */
    responseBody: text("response_body"),
    durationMs: integer("duration_ms").notNull(),
    /** "dispatcher" or "admin:<wallet>" for a re-send. */
    trigger: text("trigger").notNull(),
    at: moment("at").notNull().defaultNow(),
  },
  (t) => [index("event_delivery_attempts_delivery_idx").on(t.deliveryId, t.id)],
);
