import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { noQuery, ParameterError, parseBody, parseParams, parseQuery, readQuery, toParameterError } from '../../src/lib/server/http/parse.js';
import {
	idParams,
	instantRange,
	isoDate,
	isoInstant,
	isOrderedRange,
	orderedRange,
	pageLimit,
	positiveId,
	seriesRef,
	targetInput,
	targetRef,
	wholeNumber
} from '../../src/lib/server/http/schemas.js';

/** The documented 400 body: `{ error: "bad_parameter", parameter, message: "<parameter>: ..." }`. */
async function expectBadParameter(response: Response, parameter: string, reason: string) {
	expect(response.status).toBe(400);
	const body = (await response.json()) as Record<string, unknown>;
	expect(Object.keys(body).sort()).toEqual(['error', 'message', 'parameter']);
	expect(body).toMatchObject({ error: 'bad_parameter', parameter });
	expect(body.message).toMatch(new RegExp(`^${parameter.replaceAll('.', '\\.')}: `));
	expect(body.message).toContain(reason);
}

async function refusalOf<T>(parsed: { ok: true; data: T } | { ok: false; response: Response }) {
	if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.data)}`);
	return parsed.response;
}

const query = (text: string) => new URLSearchParams(text);

describe('the shared schemas, one query parameter each', () => {
	const schemaOf = {
		target: targetRef,
		input: targetInput,
		series: seriesRef,
		id: positiveId('a rule'),
		count: wholeNumber(10, 100),
		limit: pageLimit(1000, 100),
		at: isoInstant,
		day: isoDate
	};

	it.each([
		['target', 'github:moby/moby', { source: 'github', key: 'moby/moby' }],
		['input', 'https://hub.docker.com/_/nginx', { source: 'dockerhub', key: 'library/nginx' }],
		['series', 'dockerhub:library/nginx:pulls', { source: 'dockerhub', key: 'library/nginx', metric: 'pulls' }],
		['id', '42', 42],
		['count', '50', 50],
		['limit', '1000', 1000],
		['at', '2015-06-22T14:30:00+02:00', new Date('2015-06-22T12:30:00Z')],
		['day', '2015-06-22', '2015-06-22']
	] as const)('reads a good %s', (name, text, value) => {
		const schema = z.object({ [name]: schemaOf[name] });
		expect(readQuery(query(`${name}=${encodeURIComponent(text)}`), schema)).toEqual({ [name]: value });
	});

	it.each([
		['target', 'moby/moby', 'not a target reference'],
		['target', 'gitlab:a/b', 'unknown source "gitlab"'],
		['input', 'https://gitlab.com/a/b', 'cannot tell a Docker Hub image or GitHub repository'],
		['series', 'github:moby/moby', 'not a valid metric'],
		['series', 'stars', 'not a series reference'],
		['id', '0', 'expected a rule id (a whole number from 1 to 2147483647)'],
		['id', '-3', 'expected a rule id'],
		['id', '1.5', 'expected a rule id'],
		['id', 'abc', 'expected a rule id'],
		['id', '2147483648', 'expected a rule id'],
		['id', '3000000000', 'expected a rule id'],
		['id', '12345678901', 'expected a rule id'],
		['count', 'lots', 'expected a whole number'],
		['count', '12.5', 'expected a whole number'],
		['count', '9', 'expected at least 10'],
		['count', '101', 'expected at most 100'],
		['limit', '0', 'expected at least 1'],
		['limit', '1001', 'expected at most 1000'],
		['at', 'soon', '"soon" is not an ISO date (2015-06-22) or timestamp'],
		['at', '2015-02-30', 'is not an ISO date'],
		['day', '2015-06-22T12:00', 'is not an ISO date such as 2015-06-22'],
		['day', '2015-13-01', 'is not an ISO date']
	] as const)('refuses %s=%s with the documented 400', async (name, text, reason) => {
		const schema = z.object({ [name]: schemaOf[name] });
		await expectBadParameter(await refusalOf(parseQuery(query(`${name}=${encodeURIComponent(text)}`), schema)), name, reason);
	});

	it.each([
		['target', 'expected a target reference'],
		['input', 'expected <source>:<key> or a Docker Hub or GitHub URL'],
		['series', 'expected a series reference'],
		['id', 'expected a rule id'],
		['at', 'expected an ISO date'],
		['day', 'expected an ISO date']
	] as const)('names a missing %s', async (name, reason) => {
		await expectBadParameter(await refusalOf(parseQuery(query(''), z.object({ [name]: schemaOf[name] }))), name, reason);
	});

	it('gives the default page size when no limit is given', () => {
		expect(readQuery(query(''), z.object({ limit: pageLimit(1000, 100) }))).toEqual({ limit: 100 });
	});
});

describe('a from/to range', () => {
	const range = z.object(instantRange).refine(isOrderedRange, orderedRange);
	const read = (text: string) => readQuery(query(text), range);

	it('includes the whole last day, or the last instant itself, and takes blanks as no bound', () => {
		expect(read('from=2015-06-01&to=2015-06-22')).toEqual({ from: new Date('2015-06-01T00:00:00Z'), to: new Date('2015-06-23T00:00:00Z') });
		expect(read('to=2015-06-22T12:00:00Z').to).toEqual(new Date('2015-06-22T12:00:00.001Z'));
		expect(read('from=&to=')).toEqual({ from: undefined, to: undefined });
	});

	it('keeps the end of a range that runs to the last day of 9999 within the year 9999', () => {
		expect(read('to=9999-12-31').to).toEqual(new Date('9999-12-31T23:59:59.999Z'));
	});

	it.each([
		['from=2015-06-22&to=2015-06-01', 'to', 'must be after from'],
		['from=yesterday', 'from', 'not an ISO date'],
		['to=2015-02-29', 'to', 'not an ISO date']
	])('refuses %s', async (text, parameter, reason) => {
		await expectBadParameter(await refusalOf(parseQuery(query(text), range)), parameter, reason);
	});
});

describe('reading a query string', () => {
	const schema = z.object({ series: z.array(seriesRef).min(1, 'give at least one series'), limit: pageLimit(100, 10), at: isoInstant.optional() });

	it('lets a list parameter repeat, and gives an absent list as empty', async () => {
		expect(readQuery(query('series=github:a/b:stars&series=github:c/d:forks'), schema).series).toHaveLength(2);
		await expectBadParameter(await refusalOf(parseQuery(query('limit=5'), schema)), 'series', 'give at least one series');
	});

	it('names a list parameter, not its item, when an item is bad', async () => {
		await expectBadParameter(await refusalOf(parseQuery(query('series=github:a/b:stars&series=nonsense'), schema)), 'series', 'not a series reference');
	});

	it.each([
		['series=github:a/b:stars&limit=5&limit=6', 'limit', 'given more than once'],
		['series=github:a/b:stars&colour=red', 'colour', 'unknown parameter (expected series, limit, at)'],
		['series=github:a/b:stars&colour=red&colour=blue', 'colour', 'given more than once']
	])('refuses %s naming %s', async (text, parameter, reason) => {
		await expectBadParameter(await refusalOf(parseQuery(new URL(`http://localhost/api?${text}`), schema)), parameter, reason);
	});

	it('throws a ParameterError whose message reads "<parameter>: <reason>" for pages and commands', () => {
		expect(() => readQuery(query('limit=x&series=github:a/b:stars'), schema)).toThrow(ParameterError);
		expect(() => readQuery(query('limit=x&series=github:a/b:stars'), schema)).toThrow(/^limit: expected a whole number$/);
	});

	it('reads a schema piped into a transform by the names of its object', async () => {
		const shaped = z.object({ limit: pageLimit(100, 10) }).transform((q) => ({ pageSize: q.limit }));
		expect(readQuery(query('limit=7'), shaped)).toEqual({ pageSize: 7 });
		await expectBadParameter(await refusalOf(parseQuery(query('size=7'), shaped)), 'size', 'unknown parameter (expected limit)');
	});

	it("refuses a parameter named after an Object.prototype member as unknown (the fuzzer's valueOf=0000-00-00)", async () => {
		for (const name of ['valueOf', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
			await expectBadParameter(await refusalOf(parseQuery(query(`${name}=0000-00-00&series=github:a/b:stars`), schema)), name, 'unknown parameter (expected series, limit, at)');
		}
	});

	it('names the query itself for a problem with no parameter', async () => {
		const whole = z.object({ a: z.string().optional(), b: z.string().optional() }).refine((q) => q.a || q.b, 'give a or b');
		await expectBadParameter(await refusalOf(parseQuery(query(''), whole)), 'query', 'give a or b');
	});
});

describe('reading route parameters', () => {
	it('reads an id and refuses anything else naming it', async () => {
		expect(parseParams({ id: '17' }, idParams('an event'))).toEqual({ ok: true, data: { id: 17 } });
		await expectBadParameter(await refusalOf(parseParams({ id: 'abc' }, idParams('an event'))), 'id', 'expected an event id (a whole number from 1 to 2147483647)');
	});

	it("takes every id of the integer columns' range and nothing past it", async () => {
		expect(parseParams({ id: '2147483647' }, idParams('an event'))).toEqual({ ok: true, data: { id: 2_147_483_647 } });
		expect(parseParams({ id: '0000000001' }, idParams('an event'))).toEqual({ ok: true, data: { id: 1 } });
		await expectBadParameter(await refusalOf(parseParams({ id: '2147483648' }, idParams('an event'))), 'id', 'expected an event id');
	});

	it('refuses the NUL character, which PostgreSQL text cannot hold', async () => {
		await expectBadParameter(await refusalOf(parseParams({ ref: 'github:a\u0000b' }, z.object({ ref: z.string() }))), 'ref', 'NUL character');
	});
});

describe('the NUL character', () => {
	const request = (body: string) => new Request('http://localhost/api', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
	const schema = z.object({ label: z.string(), tags: z.array(z.object({ name: z.string() })).optional() });

	it('is refused in a query value or name, naming the parameter', async () => {
		await expectBadParameter(await refusalOf(parseQuery(query('label=a%00b'), schema.pick({ label: true }))), 'label', 'must not contain the NUL character');
		await expectBadParameter(await refusalOf(parseQuery(query('lab%00el=x'), schema.pick({ label: true }))), 'lab\u0000el', 'NUL character');
	});

	it('is refused anywhere in a JSON body, naming the field by its path', async () => {
		await expectBadParameter(await refusalOf(await parseBody(request('{"label": "a\\u0000b"}'), schema)), 'label', 'NUL character');
		const nested = JSON.stringify({ label: 'ok', tags: [{ name: 'x' }, { name: 'y\u0000' }] });
		await expectBadParameter(await refusalOf(await parseBody(request(nested), schema)), 'tags.1.name', 'NUL character');
		await expectBadParameter(await refusalOf(await parseBody(request('"\\u0000"'), schema)), 'body', 'NUL character');
	});

	it('is looked for without recursion in a body nested thousands deep', async () => {
		const deep = `${'['.repeat(50_000)}"\\u0000"${']'.repeat(50_000)}`;
		const refused = await refusalOf(await parseBody(request(`{"label": ${deep}}`), schema));
		expect(refused.status).toBe(400);
		expect(((await refused.json()) as { parameter: string }).parameter).toMatch(/^label(\.0)+$/);
	});
});

describe('reading a JSON body', () => {
	const schema = z
		.object({
			name: z.string().min(1, 'give a name'),
			when: isoInstant.nullable().default(null),
			condition: z.object({ op: z.enum(['above', 'below']), value: z.number() }).strict()
		})
		.strict();
	const request = (body: string) => new Request('http://localhost/api', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
	const good = { name: 'x', condition: { op: 'above', value: 1 } };

	it('reads a good body with its defaults', async () => {
		expect(await parseBody(request(JSON.stringify(good)), schema)).toEqual({ ok: true, data: { ...good, when: null } });
	});

	it.each([
		['not json', 'body', 'send a JSON object with name, when, condition'],
		['[1, 2]', 'body', 'send a JSON object with name, when, condition'],
		[JSON.stringify({ ...good, colour: 'red' }), 'colour', 'unknown field (expected name, when, condition)'],
		[JSON.stringify({ ...good, name: '' }), 'name', 'give a name'],
		[JSON.stringify({ ...good, when: 'soon' }), 'when', 'not an ISO date'],
		[JSON.stringify({ ...good, condition: { op: 'sideways', value: 1 } }), 'condition.op', ''],
		[JSON.stringify({ ...good, condition: { ...good.condition, colour: 'red' } }), 'condition.colour', 'unknown field']
	])('refuses %s naming %s', async (body, parameter, reason) => {
		await expectBadParameter(await refusalOf(await parseBody(request(body), schema)), parameter, reason);
	});

	it('names the one field of a one-field body that is not a JSON object', async () => {
		const refBody = z.object({ ref: targetInput });
		await expectBadParameter(await refusalOf(await parseBody(request('not json'), refBody)), 'ref', 'send a JSON object with ref');
		await expectBadParameter(await refusalOf(await parseBody(request('{"url": "x"}'), refBody)), 'ref', 'expected <source>:<key> or a Docker Hub');
	});
});

describe('the one translation of a zod error', () => {
	const error = (schema: z.ZodType, input: unknown) => {
		const parsed = schema.safeParse(input);
		if (parsed.success) throw new Error('expected a zod error');
		return parsed.error;
	};

	it('names a query parameter flat, a body field by its path, and the first issue only', () => {
		const schema = z.object({ list: z.array(z.number()), other: z.string() });
		const zodError = error(schema, { list: [1, 'two'], other: 3 });
		expect(toParameterError(zodError, 'query', ['list', 'other'])).toMatchObject({ parameter: 'list' });
		expect(toParameterError(zodError, 'body', ['list', 'other'])).toMatchObject({ parameter: 'list.1' });
	});

	it('calls unknown names parameters in a query and fields in a body', () => {
		const zodError = error(z.object({ a: z.string() }).strict(), { a: 'x', b: 1 });
		expect(toParameterError(zodError, 'query', ['a']).message).toBe('b: unknown parameter (expected a)');
		expect(toParameterError(zodError, 'body', ['a']).message).toBe('b: unknown field (expected a)');
	});
});

describe('an endpoint without parameters', () => {
	it('refuses any query parameter by name', async () => {
		expect(readQuery(query(''), noQuery)).toEqual({});
		await expectBadParameter(await refusalOf(parseQuery(query('verbose=1'), noQuery)), 'verbose', 'unknown parameter (this endpoint takes none)');
	});
});
