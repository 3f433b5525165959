import { json } from '@sveltejs/kit';
import type { z } from 'zod';

/** The one error shape of the JSON API: { error, message, ...details }. */
export function jsonError(status: number, error: string, message: string, details: Record<string, unknown> = {}) {
	return json({ error, message, ...details }, { status });
}

export function badParameter(parameter: string, message: string) {
	return jsonError(400, 'bad_parameter', `${parameter}: ${message}`, { parameter });
}

/**
 * Reads a JSON request body through a zod schema: the data, or the 400 answer that names the first bad
 * field (or an unknown one). A body that is not JSON at all is a bad `body`.
 */
export async function parseJsonBody<T>(request: Request, schema: z.ZodType<T>, fields: string): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
	const parsed = schema.safeParse(await request.json().catch(() => undefined));
	if (parsed.success) return { ok: true, data: parsed.data };
	const issue = parsed.error.issues[0]!;
	if (issue.code === 'unrecognized_keys') return { ok: false, response: badParameter(issue.keys[0]!, `unknown field (expected ${fields})`) };
	const path = issue.path.length > 0 ? issue.path.join('.') : 'body';
	return { ok: false, response: badParameter(path, path === 'body' ? `send a JSON object with ${fields}` : issue.message) };
}
