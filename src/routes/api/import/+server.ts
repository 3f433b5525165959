import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { seriesRef } from '$lib/server/http/schemas';
import { importSeries, logImportProgress } from '$lib/server/import/import-series';
import { log } from '$lib/server/telemetry/log';
import type { RequestHandler } from './$types';

const importQuery = z.object({ series: seriesRef });

/** POST /api/import?series=<target>:<metric> with a `ts,value` CSV body. */
export const POST: RequestHandler = async ({ url, request, locals }) => {
	const query = parseQuery(url, importQuery);
	if (!query.ok) return query.response;
	// Only long imports are worth a line in the server's log.
	const onProgress = logImportProgress(`import ${locals.requestId}`, (line) => log.info({ requestId: locals.requestId }, line), 100_000);
	const { result, alerts } = await importSeries(locals.database, query.data.series, await request.text(), locals.collection.kickDeliveries, { onProgress });
	// The answer says what was written; the new samples are judged in the background, and what that
	// queues goes out through the delivery loop.
	void alerts.catch((error: Error) => log.error({ err: error, requestId: locals.requestId }, 'alerts after an import failed'));
	if (!result.ok) {
		return jsonError(422, 'invalid_csv', `nothing imported: ${result.problems.length} problem(s) in the file`, {
			series: result.series,
			problems: result.problems
		});
	}
	return json(result, { status: result.inserted > 0 ? 201 : 200 });
};
