import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { seriesRef } from '$lib/server/http/schemas';
import { importSeries } from '$lib/server/import/import-series';
import type { RequestHandler } from './$types';

const importQuery = z.object({ series: seriesRef });

/**
 * POST /api/import?series=<target>:<metric> with a `ts,value` CSV body, read as it arrives (the body
 * limit is IMPORT_MAX_BYTES, see hooks.server.ts).
 */
export const POST: RequestHandler = async ({ url, request, locals }) => {
	const query = parseQuery(url, importQuery);
	if (!query.ok) return query.response;
	const { result, alerts } = await importSeries(locals.database, locals.config, query.data.series, request.body ?? '');
	// The answer says what was written; the new samples' notifications go out in the background.
	void alerts.catch((error: Error) => console.error(`alerts after an import failed: ${error.stack ?? error.message}`));
	if (result.ok) return json(result, { status: result.inserted > 0 ? 201 : 200 });
	const tooMany = result.kind === 'tooManyRows';
	const response = jsonError(tooMany ? 413 : 422, tooMany ? 'too_many_rows' : 'invalid_csv', `nothing imported: ${tooMany ? result.problems.at(-1)!.message : `${result.problems.length} problem(s) in the file`}`, {
		series: result.series,
		problems: result.problems
	});
	// Reading stopped at the first line past the row cap or at the 50th problem: the rest of the body is
	// left unread, so the connection cannot carry another request.
	response.headers.set('connection', 'close');
	return response;
};
