CREATE TABLE "collection_batches" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "collection_batches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"job" text NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"batch_index" integer NOT NULL,
	"target_ids" integer[] NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"finished_at" timestamp with time zone,
	CONSTRAINT "collection_batches_job_slot_batch_uq" UNIQUE("job","slot","batch_index"),
	CONSTRAINT "collection_batches_state_ck" CHECK ("collection_batches"."state" in ('pending', 'claimed', 'done', 'failed'))
);
