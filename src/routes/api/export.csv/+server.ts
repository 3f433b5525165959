import { parseQuery } from '$lib/server/http/parse';
import { exportQuery } from '$lib/server/export/params';
import { answerExport } from '$lib/server/export/answer';
import type { RequestHandler } from './$types';

/** GET /api/export.csv?<the series API's parameters>&format=long|wide: a CSV download, streamed. */
export const GET: RequestHandler = async ({ url, locals, platform }) => {
	const parsed = parseQuery(url, exportQuery);
	if (!parsed.ok) return parsed.response;
	const context = {
		database: locals.database,
		limits: locals.config.limits,
		slots: locals.exportSlots,
		abortConnection: () => platform?.req?.socket.destroy()
	};
	return answerExport(context, parsed.data);
};
