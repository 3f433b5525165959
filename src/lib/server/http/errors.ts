import { json } from '@sveltejs/kit';

/** The one error shape of the JSON API: { error, message, ...details }. */
export function jsonError(status: number, error: string, message: string, details: Record<string, unknown> = {}) {
	return json({ error, message, ...details }, { status });
}

/** The documented 400: `{ "error": "bad_parameter", "parameter": "<name>", "message": "<name>: ..." }`. */
export function badParameter(parameter: string, message: string) {
	return jsonError(400, 'bad_parameter', `${parameter}: ${message}`, { parameter });
}
