CREATE TABLE "desk_rates" (
	"currency" text PRIMARY KEY NOT NULL,
	"answer" numeric(78, 0) NOT NULL,
	"decimals" integer NOT NULL,
	"set_by" text NOT NULL,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "price_sources" (
	"currency" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"feed" text,
	"max_age_seconds" integer DEFAULT 3600 NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reward_id" uuid NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"actor" text NOT NULL,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rewards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_reference" text NOT NULL,
	"order_ref" text NOT NULL,
	"kind" text NOT NULL,
	"refcode_id" uuid,
	"referral_code" text,
	"referrer_user_id" uuid NOT NULL,
	"referrer_wallet" text NOT NULL,
	"referee_user_id" uuid NOT NULL,
	"base_amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"commission_bps" integer NOT NULL,
	"reward_minor" bigint NOT NULL,
	"sizing" text NOT NULL,
	"sizing_error" text,
	"price_answer" numeric(78, 0),
	"price_decimals" integer,
	"price_source" text,
	"price_round" text,
	"price_at" timestamp with time zone,
	"token_amount" numeric(78, 0),
	"token" text NOT NULL,
	"chain_id" integer NOT NULL,
	"rail" text NOT NULL,
	"state" text NOT NULL,
	"approve_after" timestamp with time zone,
	"batch_id" uuid,
	"tx_hash" text,
	"tx_nonce" integer,
	"block_number" bigint,
	"minted_at" timestamp with time zone,
	"last_error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reward_transitions" ADD CONSTRAINT "reward_transitions_reward_id_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."rewards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reward_transitions_reward_idx" ON "reward_transitions" USING btree ("reward_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_order_reference_key" ON "rewards" USING btree ("order_reference");--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_order_ref_key" ON "rewards" USING btree ("order_ref");--> statement-breakpoint
CREATE INDEX "rewards_state_idx" ON "rewards" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "rewards_referrer_idx" ON "rewards" USING btree ("referrer_user_id","created_at");