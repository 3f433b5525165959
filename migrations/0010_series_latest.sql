CREATE TABLE "series_latest" (
	"series_id" integer PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"value" double precision NOT NULL,
	"provenance" text NOT NULL,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "series_latest" ADD CONSTRAINT "series_latest_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- series_latest holds the last sample (greatest ts) of each series, so that the overview, the targets
-- page, movers and alert probes read one row per series instead of probing samples once per series.
-- It is kept by statement-level triggers on samples rather than by our writers: every write path passes
-- through them (upserts, the COPY bulk import, deletes of rebuilt values, flag recomputation, cascades
-- from series and targets, data migrations like 0009), and a writer added later cannot forget it.
-- Statement-level with transition tables, not per row: one set-based upsert per statement costs the
-- same for one row or a 5,000-row COPY chunk (measured by npm run bench:latest, see the README; a row-level trigger made a 20,000-row
-- insert into one series about 20 times slower, the statement-level one 1.1 to 1.3 times).
-- Rows are taken in series_id order so that two writers touching the same series lock them in the
-- same order. The upsert's WHERE keeps the newest ts when writers land out of order or concurrently.
CREATE FUNCTION "series_latest_refresh"("ids" integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	-- The latest sample of these series went away (deleted, or its key changed): take the next one back.
	DELETE FROM "series_latest" WHERE "series_id" = ANY("ids");
	INSERT INTO "series_latest" AS "l" ("series_id", "ts", "value", "provenance", "flags")
	SELECT "i"."id", "x"."ts", "x"."value", "x"."provenance", "x"."flags"
	FROM (SELECT DISTINCT unnest("ids") AS "id" ORDER BY 1) AS "i"
	CROSS JOIN LATERAL (
		SELECT "ts", "value", "provenance", "flags" FROM "samples" WHERE "series_id" = "i"."id" ORDER BY "ts" DESC LIMIT 1
	) AS "x"
	ON CONFLICT ("series_id") DO UPDATE SET "ts" = excluded."ts", "value" = excluded."value",
		"provenance" = excluded."provenance", "flags" = excluded."flags"
	WHERE "l"."ts" <= excluded."ts";
END $$;
--> statement-breakpoint
CREATE FUNCTION "series_latest_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "series_latest" AS "l" ("series_id", "ts", "value", "provenance", "flags")
	SELECT DISTINCT ON ("series_id") "series_id", "ts", "value", "provenance", "flags"
	FROM "new_samples" ORDER BY "series_id", "ts" DESC
	ON CONFLICT ("series_id") DO UPDATE SET "ts" = excluded."ts", "value" = excluded."value",
		"provenance" = excluded."provenance", "flags" = excluded."flags"
	WHERE "l"."ts" <= excluded."ts";
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "series_latest_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Only a latest row whose key left it needs a look back; none of our writers change a key today.
	PERFORM "series_latest_refresh"(array(
		SELECT "o"."series_id" FROM "old_samples" AS "o"
		JOIN "series_latest" AS "l" ON "l"."series_id" = "o"."series_id" AND "l"."ts" = "o"."ts"
		WHERE NOT EXISTS (SELECT 1 FROM "new_samples" AS "n" WHERE "n"."series_id" = "o"."series_id" AND "n"."ts" = "o"."ts")
	));
	-- New values at the latest ts (an upsert, a flag recomputation) or a key moved later.
	INSERT INTO "series_latest" AS "l" ("series_id", "ts", "value", "provenance", "flags")
	SELECT DISTINCT ON ("series_id") "series_id", "ts", "value", "provenance", "flags"
	FROM "new_samples" ORDER BY "series_id", "ts" DESC
	ON CONFLICT ("series_id") DO UPDATE SET "ts" = excluded."ts", "value" = excluded."value",
		"provenance" = excluded."provenance", "flags" = excluded."flags"
	WHERE "l"."ts" <= excluded."ts";
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "series_latest_after_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Deleting older samples leaves the latest as it is; only a deleted latest sample needs a look back.
	PERFORM "series_latest_refresh"(array(
		SELECT "o"."series_id" FROM "old_samples" AS "o"
		JOIN "series_latest" AS "l" ON "l"."series_id" = "o"."series_id" AND "l"."ts" = "o"."ts"
	));
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "series_latest_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "series_latest";
	RETURN NULL;
END $$;
--> statement-breakpoint
-- Existing stores: one backward probe of the samples primary key per series, once.
INSERT INTO "series_latest" ("series_id", "ts", "value", "provenance", "flags")
SELECT "s"."id", "x"."ts", "x"."value", "x"."provenance", "x"."flags"
FROM "series" AS "s"
CROSS JOIN LATERAL (
	SELECT "ts", "value", "provenance", "flags" FROM "samples" WHERE "series_id" = "s"."id" ORDER BY "ts" DESC LIMIT 1
) AS "x";
--> statement-breakpoint
CREATE TRIGGER "samples_latest_insert" AFTER INSERT ON "samples"
	REFERENCING NEW TABLE AS "new_samples" FOR EACH STATEMENT EXECUTE FUNCTION "series_latest_after_insert"();
--> statement-breakpoint
CREATE TRIGGER "samples_latest_update" AFTER UPDATE ON "samples"
	REFERENCING OLD TABLE AS "old_samples" NEW TABLE AS "new_samples" FOR EACH STATEMENT EXECUTE FUNCTION "series_latest_after_update"();
--> statement-breakpoint
CREATE TRIGGER "samples_latest_delete" AFTER DELETE ON "samples"
	REFERENCING OLD TABLE AS "old_samples" FOR EACH STATEMENT EXECUTE FUNCTION "series_latest_after_delete"();
--> statement-breakpoint
CREATE TRIGGER "samples_latest_truncate" AFTER TRUNCATE ON "samples"
	FOR EACH STATEMENT EXECUTE FUNCTION "series_latest_after_truncate"();
