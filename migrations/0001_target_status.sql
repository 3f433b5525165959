ALTER TABLE "targets" ADD COLUMN "status" text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "status_message" text;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "last_collected_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_status_ck" CHECK ("targets"."status" in ('ok', 'failing', 'not_found'));