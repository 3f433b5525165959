import fc from 'fast-check';

/**
 * Generators of hostile input for the HTTP API's parsers: texts that have broken parsers before (ids
 * past 32 bits, years past 9999 after a zone offset, the NUL character, lone surrogates, huge numbers),
 * random texts, query strings with broken escapes, and JSON bodies that are a valid request with a few
 * fields replaced, so that the generated input gets past the first check and reaches the later ones.
 */

const trickyTexts = [
	'', ' ', '0', '-0', '-1', '+1', '1.5', '1e3', '1e308', '-1e308', '1e999', 'NaN', 'Infinity', '-Infinity', '0x1F', '00000000001',
	'2147483647', '2147483648', '3000000000', '4294967296', '9007199254740993', '99999999999999999999999',
	'1970-01-01', '1969-12-31T23:59:59Z', '1970-01-01T00:30:00+01:00', '9999-12-31', '9999-12-31T23:00:00-05:00',
	'9999-12-31T23:59:59.9999Z', '10000-01-01', '0000-01-01', '0001-01-01', '2015-02-30', '2015-06-22T24:00',
	'2015-06-22T12:00:00+25:00', '2015-06-22T12:00:00.123456789Z', '2099-01-01', '2026-12-01T12:00:00Z',
	'null', 'true', '[]', '{}', '\u0000', 'a\u0000b', '\ud800', '\udfff', '\uffff', '\u202e', '💥', 'ä', '\r\n', '\t', ' padded ',
	"'; drop table samples; --", '<script>alert(1)</script>', '../../etc/passwd', '%00', '%', '*', '**', '*:*:*', '*:*:pulls',
	'github:*:*', 'github:moby/moby:stars', 'github:fuzz/seeded:stars', 'github:fuzz/seeded', 'dockerhub:library/nginx',
	'dockerhub:library/nginx:pulls', 'reference:dockerhub:pulls', 'reference:dockerhub', 'import:x:y', 'gitlab:a/b',
	`github:${'a'.repeat(300)}:stars`, 'x'.repeat(2000), 'https://example.com', 'https://hub.docker.com/_/nginx',
	'https://github.com/moby/moby', 'javascript:alert(1)', 'http://127.0.0.1:1/', '//evil.com', '/\\evil.com', '/\t/evil.com',
	'a@b.c', 'not an e-mail', 'above', 'below', 'threshold', 'growth', 'milestone', 'eta', 'stale', 'last-7-days', 'month-to-date', '0 8 * * 1', '* * * * *', 'ago', 'previous', 'yes'
];

/** A date or timestamp shaped text with each part anywhere in (and just past) its range. */
const isoLikeText = fc
	.record({
		year: fc.integer({ min: 0, max: 10_001 }),
		month: fc.integer({ min: 0, max: 13 }),
		day: fc.integer({ min: 0, max: 32 }),
		time: fc.option(fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom('', ':59', ':60', ':00.9999'))),
		zone: fc.constantFrom('', 'Z', '+14:00', '-05:00', '+18:00', '-18:01', '+0530', '+99:99')
	})
	.map(({ year, month, day, time, zone }) => {
		const pad = (n: number, width = 2) => String(n).padStart(width, '0');
		const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
		return time ? `${date}T${pad(time[0])}:${pad(time[1])}${time[2]}${zone}` : date;
	});

export const hostileText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 5, arbitrary: fc.constantFrom(...trickyTexts) },
	{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
	{ weight: 2, arbitrary: isoLikeText },
	{ weight: 1, arbitrary: fc.integer().map(String) },
	{ weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String) },
	{ weight: 1, arbitrary: fc.double().map(String) }
);

/** Any JSON value a hostile client may put in a field. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 4, arbitrary: hostileText },
	{
		weight: 3,
		arbitrary: fc.oneof(
			fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 5e-324, 3650, 3651, 525_601),
			fc.integer(),
			fc.double({ noNaN: true, noDefaultInfinity: true })
		)
	},
	{ weight: 1, arbitrary: fc.constantFrom(true, false, null) },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
	{ weight: 1, arbitrary: fc.array(hostileText, { maxLength: 3 }) },
	{ weight: 1, arbitrary: fc.dictionary(hostileText, hostileText, { maxKeys: 3 }) }
);

const rawBodies = [
	'', 'null', '[]', '{}', '{', '{"a":', '1e999', '"\\u0000"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}',
	'\uFEFF{}', 'true', '0', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, `{"a":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`
];

/** A body that is no valid request at all. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
	fc.constantFrom(...rawBodies),
	fc.string({ unit: 'binary', maxLength: 60 }),
	fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value))
);

function setAt(target: Record<string, unknown>, path: string, value: unknown, isRemoval: boolean) {
	const keys = path.split('.');
	let at: Record<string, unknown> = target;
	for (const key of keys.slice(0, -1)) {
		if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
		at = at[key] as Record<string, unknown>;
	}
	const last = keys.at(-1)!;
	if (isRemoval) delete at[last];
	else at[last] = value;
}

/**
 * JSON bodies for an endpoint: a valid one with one to three fields (by dotted path, or an unknown
 * name) replaced or removed, now and then the valid one itself, and bodies that are no request.
 */
export function hostileBody(valid: Record<string, unknown>, paths: readonly string[]): fc.Arbitrary<string> {
	const change = fc.record({
		path: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...paths) }, { weight: 1, arbitrary: fc.constantFrom('extra', 'nested.extra', '__proto__') }),
		value: hostileJson,
		isRemoval: fc.boolean()
	});
	const mutated = fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) => {
		const body = structuredClone(valid);
		for (const c of changes) setAt(body, c.path, c.value, c.isRemoval);
		return JSON.stringify(body);
	});
	return fc.oneof({ weight: 7, arbitrary: mutated }, { weight: 1, arbitrary: fc.constant(JSON.stringify(valid)) }, { weight: 2, arbitrary: rawBody });
}

// A surrogate half without its partner (no u flag: the pattern sees UTF-16 code units).
const loneSurrogate = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

/** Percent-encoding that keeps working on lone surrogates (which encodeURIComponent refuses): as WTF-8. */
export function encodeHostile(text: string): string {
	const wtf8 = (unit: number) => [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
	return text
		.split(loneSurrogate)
		.map((part, i) => (i % 2 === 1 ? wtf8(part.charCodeAt(0)) : encodeURIComponent(part)))
		.join('');
}

const rawSuffixes = ['', '', '', '&', '&&', '=', '%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%00', '+', '#frag', '&=x', 'a[]=1', '%26%3D'];

/**
 * A query string for an endpoint taking `names`: a valid query (`valid` pairs, in part), with hostile
 * pairs added or put in place of valid ones, values drawn from `goodValues` or hostileText, and a raw
 * tail with broken escapes now and then.
 */
export function hostileQuery(valid: readonly [string, string][], goodValues: Record<string, readonly string[]> = {}): fc.Arbitrary<string> {
	const names = [...new Set([...valid.map(([name]) => name), ...Object.keys(goodValues)])];
	const valueFor = (name: string) => {
		const good = goodValues[name] ?? [];
		return good.length > 0 ? fc.oneof(fc.constantFrom(...good), hostileText) : hostileText;
	};
	const name: fc.Arbitrary<string> =
		names.length > 0 ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileText }) : hostileText;
	const pair = name.chain((n) => fc.tuple(fc.constant(n), valueFor(n), fc.boolean()));
	return fc
		.record({ base: fc.subarray([...valid]), extra: fc.array(pair, { maxLength: 3 }), suffix: fc.constantFrom(...rawSuffixes) })
		.map(({ base, extra, suffix }) => {
			let pairs: [string, string][] = [...base];
			for (const [n, v, isReplacing] of extra) {
				if (isReplacing) pairs = pairs.filter(([other]) => other !== n);
				pairs.push([n, v]);
			}
			const text = pairs.map(([n, v]) => `${encodeHostile(n)}=${encodeHostile(v)}`).join('&');
			return [text, suffix].filter(Boolean).join('&');
		});
}

/** A path segment: hostile text, percent-encoded or (for what fetch lets through) raw. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: hostileText.map(encodeHostile) },
	{ weight: 1, arbitrary: fc.constantFrom('1', '2', '0', '-1', '3000000000', '1%2F2', '..', '%2e%2e', '%', '%zz', '%ED%A0%80', '1;x', 'a/b', ' ') }
);

/** A CSV import body: lines of hostile or plausible ts,value cells, with or without a header. */
export const hostileCsv: fc.Arbitrary<string> = fc
	.record({
		header: fc.constantFrom('ts,value\n', '', '\uFEFFts,value\r\n', 'date,count\n', 'ts,value,extra\n'),
		lines: fc.array(
			fc.oneof(
				{ weight: 4, arbitrary: fc.tuple(fc.oneof(isoLikeText, hostileText), fc.oneof(hostileText, fc.double().map(String), fc.integer({ min: -5, max: 1000 }).map(String))).map(([ts, v]) => `${ts},${v}`) },
				{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
				{ weight: 1, arbitrary: fc.constantFrom('', ',', '"', '"a,b",1', '2020-01-01,"1\n2"', '2020-01-01,1,2', '2020-01-01', '2020-01-01 ,  5 ') }
			),
			{ maxLength: 12 }
		),
		eol: fc.constantFrom('\n', '\r\n', '\r')
	})
	.map(({ header, lines, eol }) => header + lines.join(eol));
