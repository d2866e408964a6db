CREATE TABLE "payment_transactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"provider_event_id" text,
	"kind" text,
	"provider_status" text,
	"order_reference" text,
	"amount_minor" bigint,
	"currency" text,
	"payment_id" text,
	"charge_id" text,
	"payload" text NOT NULL,
	"signature_valid" boolean NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"outcome" text NOT NULL,
	"detail" text,
	"needs_review" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_adjustments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"reward_id" uuid NOT NULL,
	"referrer_user_id" uuid NOT NULL,
	"token" text NOT NULL,
	"chain_id" integer NOT NULL,
	"order_reference" text NOT NULL,
	"clawback_id" bigint,
	"payment_transaction_id" bigint,
	"token_amount" numeric(78, 0),
	"reward_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"outstanding" numeric(78, 0),
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_tasks" (
	"order_reference" text PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "payment_provider" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "refunded_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "gross_reward_minor" bigint;--> statement-breakpoint
UPDATE "rewards" SET "gross_reward_minor" = "reward_minor";--> statement-breakpoint
ALTER TABLE "rewards" ALTER COLUMN "gross_reward_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "refunded_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "gross_token_amount" numeric(78, 0);--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "offset_token_amount" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
UPDATE "rewards" SET "gross_token_amount" = "token_amount";--> statement-breakpoint
ALTER TABLE "reward_adjustments" ADD CONSTRAINT "reward_adjustments_reward_id_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."rewards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_transactions_event_key" ON "payment_transactions" USING btree ("provider","provider_event_id");--> statement-breakpoint
CREATE INDEX "payment_transactions_order_idx" ON "payment_transactions" USING btree ("order_reference");--> statement-breakpoint
CREATE INDEX "payment_transactions_payment_idx" ON "payment_transactions" USING btree ("provider","payment_id") WHERE payment_id is not null;--> statement-breakpoint
CREATE INDEX "payment_transactions_charge_idx" ON "payment_transactions" USING btree ("provider","charge_id") WHERE charge_id is not null;--> statement-breakpoint
CREATE INDEX "payment_transactions_review_idx" ON "payment_transactions" USING btree ("received_at") WHERE needs_review;--> statement-breakpoint
CREATE INDEX "reward_adjustments_reward_idx" ON "reward_adjustments" USING btree ("reward_id");--> statement-breakpoint
CREATE INDEX "reward_adjustments_open_clawbacks_idx" ON "reward_adjustments" USING btree ("referrer_user_id","token","chain_id","id") WHERE kind = 'clawback' and outstanding > 0;--> statement-breakpoint
CREATE INDEX "reward_adjustments_clawback_idx" ON "reward_adjustments" USING btree ("clawback_id") WHERE clawback_id is not null;--> statement-breakpoint
CREATE INDEX "reward_tasks_due_idx" ON "reward_tasks" USING btree ("next_attempt_at") WHERE state = 'pending';--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_refunded_within_amount" CHECK (refunded_minor >= 0 and refunded_minor <= amount_minor);