import { badParameter, jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { buildExportFileName, exportQuery } from '$lib/server/export/params';
import { resolveExport, streamExportCsv } from '$lib/server/export/stream';
import { toReadableStream } from '$lib/server/export/response';
import type { RequestHandler } from './$types';

/** GET /api/export.csv?<the series API's parameters>&format=long|wide: a CSV download, streamed. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const parsed = parseQuery(url, exportQuery);
	if (!parsed.ok) return parsed.response;
	const query = parsed.data;
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
