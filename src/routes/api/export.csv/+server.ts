import { badParameter, jsonError } from '$lib/server/http/errors';
import { buildExportFileName, parseExportQuery } from '$lib/server/export/params';
import { resolveExport, streamExportCsv } from '$lib/server/export/stream';
import { toReadableStream } from '$lib/server/export/response';
import { ParameterError } from '$lib/server/series/params';
import type { RequestHandler } from './$types';

/** GET /api/export.csv?<the series API's parameters>&format=long|wide: a CSV download, streamed. */
export const GET: RequestHandler = async ({ url, locals }) => {
	let query;
	try {
		query = parseExportQuery(url.searchParams);
	} catch (error) {
		if (error instanceof ParameterError) return badParameter(error.parameter, error.reason);
		throw error;
	}
	const resolved = await resolveExport(locals.database.db, query);
	if (!resolved.ok && resolved.problem === 'tooMany') return badParameter('series', resolved.message);
	if (!resolved.ok) return jsonError(404, 'not_found', resolved.message, { missing: resolved.missing });
	return new Response(toReadableStream(streamExportCsv(locals.database, resolved.series, query)), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${buildExportFileName(query)}"`,
			'cache-control': 'no-store'
		}
	});
};
