import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { seriesRef } from '$lib/server/http/schemas';
import { importSeries, logImportProgress } from '$lib/server/import/import-series';
import { log } from '$lib/server/telemetry/log';
import type { RequestHandler } from './$types';

const importQuery = z.object({ series: seriesRef });

/**
 * POST /api/import?series=<target>:<metric> with a `ts,value` CSV body, read as it arrives (the body
 * limit is IMPORT_MAX_BYTES, see hooks.server.ts).
 */
export const POST: RequestHandler = async ({ url, request, locals }) => {
	const query = parseQuery(url, importQuery);
	if (!query.ok) return query.response;
	const { requestId, config, collection } = locals;
	// Only long imports are worth a line in the server's log.
	const onProgress = logImportProgress(`import ${requestId}`, (line) => log.info({ requestId }, line), 100_000);
	const after = { kickDeliveries: collection.kickDeliveries, maxSeriesPerRule: config.limits.alertPatternMaxSeries };
	const options = { onProgress, maxRows: config.limits.importMaxRows, counters: config.counters };
	const { result, alerts } = await importSeries(locals.database, query.data.series, request.body ?? '', after, options);
	// The answer says what was written; the new samples are judged in the background, and what that
	// queues goes out through the delivery loop.
	void alerts.catch((error: Error) => log.error({ err: error, requestId }, 'alerts after an import failed'));
	if (result.ok) return json(result, { status: result.inserted > 0 ? 201 : 200 });
	const tooMany = result.kind === 'tooManyRows';
	const message = tooMany ? result.problems.at(-1)!.message : `${result.problems.length} problem(s) in the file`;
	const response = jsonError(tooMany ? 413 : 422, tooMany ? 'too_many_rows' : 'invalid_csv', `nothing imported: ${message}`, {
		series: result.series,
		problems: result.problems
	});
	// Reading stopped at the first line past the row cap or at the 50th problem: the rest of the body is
	// left unread, so the connection cannot carry another request.
	response.headers.set('connection', 'close');
	return response;
};
