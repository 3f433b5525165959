CREATE TABLE "alert_deliveries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"event_id" integer NOT NULL,
	"channel" text NOT NULL,
	"destination" text NOT NULL,
	"format" text DEFAULT 'json' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "alert_deliveries_event_destination_uq" UNIQUE("event_id","channel","destination"),
	CONSTRAINT "alert_deliveries_status_ck" CHECK ("alert_deliveries"."status" in ('pending', 'sent', 'failed')),
	CONSTRAINT "alert_deliveries_channel_ck" CHECK ("alert_deliveries"."channel" in ('webhook', 'email'))
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"rule_id" integer NOT NULL,
	"series_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"notify" text,
	"value" double precision
);
--> statement-breakpoint
CREATE TABLE "alert_instances" (
	"rule_id" integer NOT NULL,
	"series_id" integer NOT NULL,
	"state" text DEFAULT 'normal' NOT NULL,
	"pending_count" integer DEFAULT 0 NOT NULL,
	"notified_at" timestamp with time zone,
	"firing_since" timestamp with time zone,
	"last_value" double precision,
	"evaluated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "alert_instances_pk" PRIMARY KEY("rule_id","series_id"),
	CONSTRAINT "alert_instances_state_ck" CHECK ("alert_instances"."state" in ('normal', 'pending', 'firing', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_rules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"scope_source" text NOT NULL,
	"scope_key" text NOT NULL,
	"scope_metric" text NOT NULL,
	"condition" jsonb NOT NULL,
	"pending_evaluations" integer DEFAULT 0 NOT NULL,
	"repeat_interval_minutes" integer,
	"no_data" text DEFAULT 'keep' NOT NULL,
	"snoozed_until" timestamp with time zone,
	"channels" jsonb DEFAULT '{"webhooks":[],"emails":[]}'::jsonb NOT NULL,
	"is_enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rules_no_data_ck" CHECK ("alert_rules"."no_data" in ('keep', 'unmet', 'met')),
	CONSTRAINT "alert_rules_pending_ck" CHECK ("alert_rules"."pending_evaluations" >= 0)
);
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_event_id_alert_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."alert_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_rule_id_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_instances" ADD CONSTRAINT "alert_instances_rule_id_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_instances" ADD CONSTRAINT "alert_instances_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deliveries_due_idx" ON "alert_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "alert_events_rule_at_idx" ON "alert_events" USING btree ("rule_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "alert_events_at_idx" ON "alert_events" USING btree ("at" DESC NULLS LAST);