CREATE TABLE "report_deliveries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"send_id" integer NOT NULL,
	"channel" text NOT NULL,
	"destination" text NOT NULL,
	"format" text DEFAULT 'json' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "report_deliveries_send_destination_uq" UNIQUE("send_id","channel","destination"),
	CONSTRAINT "report_deliveries_status_ck" CHECK ("report_deliveries"."status" in ('pending', 'sent', 'failed')),
	CONSTRAINT "report_deliveries_channel_ck" CHECK ("report_deliveries"."channel" in ('webhook', 'email'))
);
--> statement-breakpoint
CREATE TABLE "report_schedules" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_schedules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"series" jsonb NOT NULL,
	"period" text NOT NULL,
	"cron" text NOT NULL,
	"channels" jsonb DEFAULT '{"webhooks":[],"emails":[]}'::jsonb NOT NULL,
	"is_enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_schedules_period_ck" CHECK ("report_schedules"."period" in ('last-7-days', 'last-30-days', 'month-to-date', 'previous-month', 'year-to-date'))
);
--> statement-breakpoint
CREATE TABLE "report_sends" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_sends_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"schedule_id" integer NOT NULL,
	"tick_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"content" jsonb NOT NULL,
	CONSTRAINT "report_sends_schedule_tick_uq" UNIQUE("schedule_id","tick_at")
);
--> statement-breakpoint
ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_send_id_report_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."report_sends"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_sends" ADD CONSTRAINT "report_sends_schedule_id_report_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."report_schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_deliveries_due_idx" ON "report_deliveries" USING btree ("status","next_attempt_at");