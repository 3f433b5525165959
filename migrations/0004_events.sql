CREATE TABLE "events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"target_id" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"url" text,
	CONSTRAINT "events_kind_ck" CHECK ("events"."kind" in ('release', 'manual'))
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "events_target_kind_ts_label_uq" ON "events" USING btree ("target_id","kind","ts","label");--> statement-breakpoint
CREATE INDEX "events_target_ts_idx" ON "events" USING btree ("target_id","ts");