DROP INDEX "events_target_kind_ts_label_uq";--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "target_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_target_kind_ts_label_uq" UNIQUE NULLS NOT DISTINCT("target_id","kind","ts","label");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_release_target_ck" CHECK ("events"."kind" = 'manual' or "events"."target_id" is not null);