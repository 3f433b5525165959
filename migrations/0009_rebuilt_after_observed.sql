-- One definition per series: values rebuilt from an API's history (provenance reconstructed) are kept only
-- before a series' first observed sample; writers hold that rule from now on, and this removes what earlier
-- versions wrote after it (a backfill that ran after polling began), so that no stored series interleaves
-- the two methods. Such values are rebuilt again by no one: the observed samples cover that time.
DELETE FROM "samples" AS "s"
USING (
	SELECT "series_id", min("ts") AS "first_observed"
	FROM "samples"
	WHERE "provenance" = 'observed'
	GROUP BY "series_id"
) AS "f"
WHERE "s"."series_id" = "f"."series_id"
	AND "s"."provenance" = 'reconstructed'
	AND "s"."ts" >= "f"."first_observed";
