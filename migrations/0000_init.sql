CREATE TABLE "series" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "series_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"target_id" integer NOT NULL,
	"metric" text NOT NULL,
	"unit" text NOT NULL,
	"kind" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "series_kind_ck" CHECK ("series"."kind" in ('counter', 'gauge'))
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "targets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"key" text NOT NULL,
	"display_name" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"series_id" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"value" double precision NOT NULL,
	"provenance" text NOT NULL,
	"note" text,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	CONSTRAINT "samples_pk" PRIMARY KEY("series_id","ts"),
	CONSTRAINT "samples_provenance_ck" CHECK ("samples"."provenance" in ('observed', 'imported', 'reconstructed', 'reference')),
	CONSTRAINT "samples_value_finite_ck" CHECK ("samples"."value" <> 'NaN'::float8 and "samples"."value" <> 'Infinity'::float8 and "samples"."value" <> '-Infinity'::float8)
);
--> statement-breakpoint
CREATE TABLE "collection_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "collection_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"collector" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"targets_done" integer DEFAULT 0 NOT NULL,
	"targets_failed" integer DEFAULT 0 NOT NULL,
	"failures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"requests_made" integer DEFAULT 0 NOT NULL,
	"rate_budget_left" integer,
	CONSTRAINT "collection_runs_status_ck" CHECK ("collection_runs"."status" in ('running', 'ok', 'partial', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "series" ADD CONSTRAINT "series_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "series_target_metric_uq" ON "series" USING btree ("target_id","metric");--> statement-breakpoint
CREATE UNIQUE INDEX "targets_source_key_uq" ON "targets" USING btree ("source","key");--> statement-breakpoint
CREATE INDEX "collection_runs_collector_started_idx" ON "collection_runs" USING btree ("collector","started_at" DESC NULLS LAST);