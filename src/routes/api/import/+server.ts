import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { seriesRef } from '$lib/server/http/schemas';
import { importSeries } from '$lib/server/import/import-series';
import type { RequestHandler } from './$types';

const importQuery = z.object({ series: seriesRef });

/** POST /api/import?series=<target>:<metric> with a `ts,value` CSV body. */
export const POST: RequestHandler = async ({ url, request, locals }) => {
	const query = parseQuery(url, importQuery);
	if (!query.ok) return query.response;
	const { result, alerts } = await importSeries(locals.database, query.data.series, await request.text(), locals.collection.kickDeliveries);
	// The answer says what was written; the new samples are judged in the background, and what that
	// queues goes out through the delivery loop.
	void alerts.catch((error: Error) => console.error(`alerts after an import failed: ${error.stack ?? error.message}`));
	if (!result.ok) {
		return jsonError(422, 'invalid_csv', `nothing imported: ${result.problems.length} problem(s) in the file`, {
			series: result.series,
			problems: result.problems
		});
	}
	return json(result, { status: result.inserted > 0 ? 201 : 200 });
};
