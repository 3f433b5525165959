import type { Database } from '../db/client.js';
import type { Limits } from '../config-limits.js';
import { badParameter, jsonError } from '../http/errors.js';
import { buildExportFileName, type ExportQuery } from './params.js';
import { toReadableStream } from './response.js';
import type { ExportSlots } from './slots.js';
import { resolveExport, streamExportCsv } from './stream.js';

export interface ExportContext {
	database: Database;
	limits: Pick<Limits, 'exportTimeoutMs'>;
	slots: ExportSlots;
	/** Ends the client's connection when the deadline passes (a client that stopped reading holds it otherwise). */
	abortConnection?: () => void;
}

// What a refused caller is told to wait: a download takes seconds to minutes; retrying sooner is noise.
const retryAfterSeconds = 10;

/** The 503 of a request refused because every export slot is taken (report bundles share them). */
export function answerBusy(slots: ExportSlots): Response {
	const response = jsonError(503, 'busy', `${slots.max} export(s) are already streaming, the most this server runs at once (EXPORT_CONCURRENCY); try again shortly`);
	response.headers.set('retry-after', String(retryAfterSeconds));
	return response;
}

/**
 * GET /api/export.csv once its query is parsed: a slot (or 503 when EXPORT_CONCURRENCY exports are
 * streaming), the series resolved (400 or 404 before any byte is sent), then the CSV streamed under
 * EXPORT_TIMEOUT_MS. The slot is held until the stream is over, whichever way it ends.
 */
export async function answerExport(context: ExportContext, query: ExportQuery): Promise<Response> {
	const release = context.slots.tryAcquire();
	if (!release) return answerBusy(context.slots);
	let isStreaming = false;
	try {
		const resolved = await resolveExport(context.database.db, query);
		if (!resolved.ok && resolved.problem === 'tooMany') return badParameter('series', resolved.message);
		if (!resolved.ok) return jsonError(404, 'not_found', resolved.message, { missing: resolved.missing });
		const { exportTimeoutMs } = context.limits;
		const chunks = streamExportCsv(context.database, resolved.series, query, { copyTimeoutMs: exportTimeoutMs });
		const body = toReadableStream(chunks, { timeoutMs: exportTimeoutMs, onEnd: release, onTimeout: context.abortConnection });
		isStreaming = true;
		return new Response(body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${buildExportFileName(query)}"`,
				'cache-control': 'no-store'
			}
		});
	} finally {
		if (!isStreaming) release();
	}
}
