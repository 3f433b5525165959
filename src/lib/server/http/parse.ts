import { z } from 'zod';
import { badParameter } from './errors.js';

/**
 * The one handler shape's first step: read a request's query, route parameters or JSON body with a zod
 * schema (built from ./schemas.ts), and either get the data or the 400 answer that names what is wrong.
 * Routes, pages and commands that read the API's parameters all go through here.
 */

/** A request parameter (or body field) that was refused, and why; the message reads `<parameter>: <reason>`. */
export class ParameterError extends Error {
	constructor(
		readonly parameter: string,
		readonly reason: string
	) {
		super(`${parameter}: ${reason}`);
		this.name = 'ParameterError';
	}
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** Where the input came from: a query has parameters, a body has fields. */
export type InputKind = 'query' | 'params' | 'body';

/**
 * The one translation of a zod error into the refused parameter: its first issue. A query's
 * parameters are flat (`series`, not `series.3`); a body's fields are named by path (`condition.op`).
 * An unknown name lists the expected ones; a body that is no JSON object is a bad `body` (or its
 * only field).
 */
export function toParameterError(error: z.ZodError, kind: InputKind, expected: readonly string[]): ParameterError {
	const issue = error.issues[0]!;
	if (issue.code === 'unrecognized_keys') {
		const key = issue.keys[0]!;
		if (issue.path.length > 0) return new ParameterError([...issue.path, key].join('.'), kind === 'body' ? 'unknown field' : 'unknown parameter');
		return refuseUnknown(key, kind, expected);
	}
	if (issue.path.length === 0 && kind !== 'body') return new ParameterError(kind, issue.message);
	if (issue.path.length === 0) {
		// A body of one field ({"ref": ...}) can only have meant that field, so the answer names it.
		return new ParameterError(expected.length === 1 ? expected[0]! : 'body', `send a JSON object with ${expected.join(', ')}`);
	}
	return new ParameterError(kind === 'body' ? issue.path.join('.') : String(issue.path[0]), issue.message);
}

function refuseUnknown(name: string, kind: InputKind, expected: readonly string[]): ParameterError {
	const what = kind === 'body' ? 'field' : 'parameter';
	return new ParameterError(name, expected.length > 0 ? `unknown ${what} (expected ${expected.join(', ')})` : `unknown ${what} (this endpoint takes none)`);
}

/** The 400 answer for a refused parameter: `{ error: "bad_parameter", parameter, message: "<parameter>: ..." }`. */
export function answerParameterError(error: ParameterError): Response {
	return badParameter(error.parameter, error.reason);
}

/** The query of an endpoint that takes no parameters: any name given is refused as unknown. */
export const noQuery = z.object({});

/** A query schema: an object schema, possibly piped into a transform that shapes its result. */
type QuerySchema = z.ZodObject | z.ZodPipe<z.ZodObject, z.ZodType>;

const objectOf = (schema: QuerySchema): z.ZodObject => (schema.def.type === 'pipe' ? (schema as z.ZodPipe<z.ZodObject>).in : (schema as z.ZodObject));

// A list field (series, target) may repeat in a query; any other parameter may appear once.
function isList(schema: z.core.$ZodType | undefined): boolean {
	if (!schema) return false;
	const def = schema._zod.def;
	if (def.type === 'array') return true;
	return 'innerType' in def && isList(def.innerType as z.core.$ZodType);
}

/**
 * Reads a query string: a name the schema does not have, or a single-valued one given twice, is
 * refused by name before the values are checked. Throws ParameterError (pages and commands catch it to
 * explain; routes use parseQuery).
 */
export function readQuery<S extends QuerySchema>(params: URLSearchParams, schema: S): z.output<S> {
	const { shape } = objectOf(schema);
	const expected = Object.keys(shape);
	// Own fields only: a parameter named after an Object.prototype member (valueOf, constructor) is unknown, not a field.
	const fieldOf = (name: string) => (Object.hasOwn(shape, name) ? shape[name] : undefined);
	const input: Record<string, string | string[]> = {};
	for (const name of expected) if (isList(fieldOf(name))) input[name] = params.getAll(name);
	for (const name of new Set(params.keys())) {
		const values = params.getAll(name);
		if (name.includes('\0') || values.some((v) => v.includes('\0'))) throw new ParameterError(name, nulReason);
		if (isList(fieldOf(name))) continue;
		if (values.length > 1) throw new ParameterError(name, 'given more than once');
		if (fieldOf(name) === undefined) throw refuseUnknown(name, 'query', expected);
		input[name] = values[0]!;
	}
	const parsed = schema.safeParse(input);
	if (!parsed.success) throw toParameterError(parsed.error, 'query', expected);
	// safeParse on a schema type parameter answers unknown; the data is S's output all the same.
	return parsed.data as z.output<S>;
}

/**
 * PostgreSQL's text and jsonb cannot hold the NUL character: a value with one would fail in the
 * database instead of being refused here. Returns the first offending name (a body's path), if any.
 */
export function findNulCharacter(value: unknown): string[] | undefined {
	// A stack rather than recursion, and each path kept as a link to its parent: a hostile body may
	// nest arrays thousands deep.
	type Place = { value: unknown; key?: string; parent?: Place };
	const pathOf = (place: Place): string[] => {
		const path: string[] = [];
		for (let at: Place | undefined = place; at?.key !== undefined; at = at.parent) path.unshift(at.key);
		return path;
	};
	const pending: Place[] = [{ value }];
	for (let place = pending.pop(); place; place = pending.pop()) {
		if (typeof place.value === 'string' && place.value.includes('\0')) return pathOf(place);
		if (typeof place.value !== 'object' || place.value === null) continue;
		for (const [key, item] of Object.entries(place.value)) {
			if (key.includes('\0')) return [...pathOf(place), key];
			pending.push({ value: item, key, parent: place });
		}
	}
	return undefined;
}

const nulReason = 'must not contain the NUL character';

/** The data of a request's query string, or its 400 answer. */
export function parseQuery<S extends QuerySchema>(url: URL | URLSearchParams, schema: S): Parsed<z.output<S>> {
	try {
		return { ok: true, data: readQuery(url instanceof URL ? url.searchParams : url, schema) };
	} catch (error) {
		if (error instanceof ParameterError) return { ok: false, response: answerParameterError(error) };
		throw error;
	}
}

/** The data of a route's parameters (`/api/alerts/<id>`), or its 400 answer. */
export function parseParams<S extends z.ZodObject>(params: Record<string, string>, schema: S): Parsed<z.output<S>> {
	const nul = findNulCharacter(params);
	if (nul) return { ok: false, response: answerParameterError(new ParameterError(nul.join('.'), nulReason)) };
	const parsed = schema.safeParse(params);
	if (parsed.success) return { ok: true, data: parsed.data };
	return { ok: false, response: answerParameterError(toParameterError(parsed.error, 'params', Object.keys(schema.shape))) };
}

/** The data of a JSON request body, or its 400 answer; a body that is not JSON is a bad `body`. */
export async function parseBody<S extends z.ZodObject>(request: Request, schema: S): Promise<Parsed<z.output<S>>> {
	const body: unknown = await request.json().catch(() => undefined);
	const nul = findNulCharacter(body);
	if (nul) return { ok: false, response: answerParameterError(new ParameterError(nul.length > 0 ? nul.join('.') : 'body', nulReason)) };
	const parsed = schema.safeParse(body);
	if (parsed.success) return { ok: true, data: parsed.data };
	return { ok: false, response: answerParameterError(toParameterError(parsed.error, 'body', Object.keys(schema.shape))) };
}

/**
 * A form action's fields. A body that is no readable form (a broken multipart boundary, bytes that
 * are no form) reads as an empty form, so every field is missing and refused as such by the action's
 * schema: a 400 that names it, not a 500.
 */
export async function readFormBody(request: Request): Promise<FormData> {
	return request.formData().catch(() => new FormData());
}
