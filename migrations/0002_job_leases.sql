CREATE TABLE "job_leases" (
	"job" text PRIMARY KEY NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
