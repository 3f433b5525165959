import { json } from '@sveltejs/kit';
import { parseSeriesRef } from '$lib/refs';
import { badParameter, jsonError } from '$lib/server/http/errors';
import { importSeriesCsv } from '$lib/server/import/import-csv';
import { runAlerts } from '$lib/server/alerts/run';
import type { RequestHandler } from './$types';

/** POST /api/import?series=<target>:<metric> with a `ts,value` CSV body. */
export const POST: RequestHandler = async ({ url, request, locals }) => {
	const unknown = [...url.searchParams.keys()].find((name) => name !== 'series');
	if (unknown) return badParameter(unknown, 'unknown parameter (expected series)');
	const seriesParams = url.searchParams.getAll('series');
	if (seriesParams.length !== 1) return badParameter('series', 'give exactly one series=<source>:<key>:<metric>');
	const ref = parseSeriesRef(seriesParams[0]!);
	if (!ref.ok) return badParameter('series', ref.message);
	const result = await importSeriesCsv(locals.database, ref.value, await request.text());
	if (!result.ok) {
		return jsonError(422, 'invalid_csv', `nothing imported: ${result.problems.length} problem(s) in the file`, {
			series: result.series,
			problems: result.problems
		});
	}
	// New samples are judged at once, as after a collection run; notifications go out in the background.
	if (result.inserted + result.updated > 0) {
		void runAlerts(locals.database.db, locals.config).catch((error: Error) => console.error(`alerts after an import failed: ${error.stack ?? error.message}`));
	}
	return json(result, { status: result.inserted > 0 ? 201 : 200 });
};
