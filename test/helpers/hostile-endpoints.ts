import fc from 'fast-check';
import { encodeHostile, hostileBody, hostileCsv, hostileQuery, hostileSegment, hostileText } from './hostile-input.js';

/**
 * Every endpoint of the HTTP API and every form action, each with a generator of hostile requests
 * for it and how many to send per run (more for the endpoints with the most parameters).
 */

export interface HostileRequest {
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
	path: string;
	query?: string;
	body?: string;
	contentType?: string;
}

export interface HostileEndpoint {
	name: string;
	numRuns: number;
	requests: fc.Arbitrary<HostileRequest>;
}

const seededSeries = ['github:fuzz/seeded:stars', 'github:fuzz/gauge:watchers', 'github:*:*', '*:*:pulls', 'github:fuzz/*:stars', 'reference:dockerhub:pulls'];
const dates = ['2026-01-01', '2026-06-01', '1970-01-01', '9999-12-31', '2026-03-01T12:00:00Z', ''];
const seriesQuery: [string, string][] = [
	['series', 'github:fuzz/seeded:stars'],
	['from', '2026-01-01'],
	['to', '2026-06-01'],
	['interval', 'month'],
	['transform', 'growth'],
	['points', '100'],
	['smooth', '3']
];
const seriesValues = {
	series: seededSeries,
	from: dates,
	to: dates,
	interval: ['raw', 'day', 'week', 'month', 'quarter', 'year'],
	transform: ['value', 'delta', 'growth', 'index', 'share', 'yoy'],
	points: ['10', '10000', '9', '10001'],
	smooth: ['1', '366', '367']
};
const ids = ['1', '2', '3'];

const jsonTypes = fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', undefined, 'application/x-www-form-urlencoded');

const get = (path: string, query: fc.Arbitrary<string>): fc.Arbitrary<HostileRequest> => query.map((q) => ({ method: 'GET', path, query: q }));
const withBody = (method: HostileRequest['method'], path: fc.Arbitrary<string>, body: fc.Arbitrary<string>) =>
	fc.record({ path, body, contentType: jsonTypes }).map((r): HostileRequest => ({ method, ...r }));
const idPath = (prefix: string, suffix = '') =>
	fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...ids) }, { weight: 3, arbitrary: hostileSegment }).map((id) => `${prefix}${id}${suffix}`);

/** A valid rule, as POST /api/alerts takes it, to be taken apart field by field. */
function validRule(webhookUrl: string) {
	return {
		name: 'fuzzed rule',
		scope: 'github:fuzz/seeded:stars',
		condition: { kind: 'threshold', op: 'above', value: 10 },
		pendingEvaluations: 0,
		repeatIntervalMinutes: 60,
		noData: 'keep',
		channels: { webhooks: [{ url: webhookUrl, format: 'json' }], emails: ['ops@example.com'] },
		snoozedUntil: null
	};
}
const rulePaths = [
	'name', 'scope', 'condition', 'condition.kind', 'condition.op', 'condition.value', 'condition.windowDays', 'condition.compare',
	'condition.percent', 'condition.minBase', 'condition.maxAgeHours', 'pendingEvaluations', 'repeatIntervalMinutes', 'noData',
	'channels', 'channels.webhooks', 'channels.emails', 'channels.webhooks.0.url', 'channels.webhooks.0.format', 'snoozedUntil'
];

const validSchedule = (webhookUrl: string) => ({
	name: 'fuzzed schedule',
	series: ['github:fuzz/seeded:stars', 'github:*:stars'],
	period: 'last-7-days',
	cron: '0 8 * * 1',
	channels: { webhooks: [{ url: webhookUrl, format: 'slack' }], emails: [] },
	isEnabled: true
});
const schedulePaths = ['name', 'series', 'series.0', 'period', 'cron', 'channels', 'channels.webhooks', 'channels.webhooks.0.url', 'channels.emails', 'isEnabled'];

/** A form body: urlencoded pairs, a real multipart form, or a multipart body whose boundary is broken. */
function hostileForm(fields: Record<string, readonly string[]>) {
	const pair = fc.constantFrom(...Object.keys(fields)).chain((name) => fc.tuple(fc.constant(name), fc.oneof(fc.constantFrom(...fields[name]!), hostileText)));
	const pairs = fc.array(pair, { maxLength: 4 });
	return fc.oneof(
		{ weight: 4, arbitrary: pairs.map((p) => ({ body: p.map(([n, v]) => `${encodeHostile(n)}=${encodeHostile(v)}`).join('&'), contentType: 'application/x-www-form-urlencoded' })) },
		{
			weight: 1,
			arbitrary: pairs.map((p) => ({
				body: p.map(([n, v]) => `--b\r\ncontent-disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join('') + '--b--\r\n',
				contentType: 'multipart/form-data; boundary=b'
			}))
		},
		{ weight: 1, arbitrary: hostileText.map((text) => ({ body: `--zz\r\n${text}`, contentType: 'multipart/form-data; boundary=b' })) }
	);
}
const formAction = (path: string, query: string | fc.Arbitrary<string>, fields: Record<string, readonly string[]>) =>
	fc
		.tuple(hostileForm(fields), typeof query === 'string' ? fc.constant(query) : query)
		.map(([form, q]): HostileRequest => ({ method: 'POST', path, query: q, ...form }));

export function listHostileEndpoints(webhookUrl: string): HostileEndpoint[] {
	const rule = validRule(webhookUrl);
	return [
		{ name: 'GET /api/series', numRuns: 120, requests: get('/api/series', hostileQuery(seriesQuery, seriesValues)) },
		{ name: 'GET /api/export.csv', numRuns: 80, requests: get('/api/export.csv', hostileQuery([...seriesQuery, ['format', 'wide']], { ...seriesValues, format: ['long', 'wide'] })) },
		{
			name: 'GET /api/report',
			numRuns: 100,
			requests: get('/api/report', hostileQuery([['series', 'github:*:stars'], ['preset', '1y'], ['minBase', '100']], { series: seededSeries, preset: ['30d', '90d', '1y', 'ytd'], from: dates, to: dates, fromEvent: ids, toEvent: ids, minBase: ['0', '-1', '1e308'] }))
		},
		{ name: 'GET /api/scorecard', numRuns: 30, requests: get('/api/scorecard', hostileQuery([['from', '2025-01-01'], ['to', '2025-12-31']], { from: dates, to: dates })) },
		{ name: 'GET /api/forecast', numRuns: 40, requests: get('/api/forecast', hostileQuery([['series', 'github:fuzz/seeded:stars'], ['horizon', '30'], ['milestone', '500']], { series: seededSeries, horizon: ['0', '1', '1095', '1096', '1e3'], milestone: ['0', '-1', '1e308', 'NaN'] })) },
		{ name: 'GET /api/scorecard.csv', numRuns: 20, requests: get('/api/scorecard.csv', hostileQuery([['from', '2014-06-09']], { from: dates, to: dates })) },
		{ name: 'GET /api/report.csv', numRuns: 30, requests: get('/api/report.csv', hostileQuery([['series', 'github:fuzz/seeded:stars'], ['from', '2026-01-01'], ['to', '2026-06-01']], { fromEvent: ids, toEvent: ids })) },
		{ name: 'GET /api/events', numRuns: 60, requests: get('/api/events', hostileQuery([['target', 'github:fuzz/seeded'], ['from', '2015-01-01'], ['to', '2027-01-01']], { target: ['github:fuzz/seeded', 'dockerhub:library/nginx'], from: dates, to: dates })) },
		{ name: 'POST /api/events', numRuns: 80, requests: withBody('POST', fc.constant('/api/events'), hostileBody({ date: '2015-06-22', label: 'DockerCon 2015', target: 'github:fuzz/seeded', url: 'https://example.com/' }, ['date', 'label', 'target', 'url'])) },
		{ name: 'DELETE /api/events/<id>', numRuns: 40, requests: idPath('/api/events/').map((path): HostileRequest => ({ method: 'DELETE', path })) },
		{ name: 'GET /api/alerts', numRuns: 10, requests: get('/api/alerts', hostileQuery([])) },
		{ name: 'POST /api/alerts', numRuns: 120, requests: withBody('POST', fc.constant('/api/alerts'), hostileBody(rule, rulePaths)) },
		{ name: 'POST /api/alerts/backtest', numRuns: 60, requests: withBody('POST', fc.constant('/api/alerts/backtest'), hostileBody(rule, rulePaths)) },
		{ name: 'PATCH /api/alerts/<id>', numRuns: 60, requests: withBody('PATCH', idPath('/api/alerts/'), hostileBody({ snoozedUntil: '2027-01-01', isEnabled: false }, ['snoozedUntil', 'isEnabled'])) },
		{ name: 'DELETE /api/alerts/<id>', numRuns: 30, requests: idPath('/api/alerts/').map((path): HostileRequest => ({ method: 'DELETE', path })) },
		{ name: 'POST /api/alerts/<id>/test', numRuns: 20, requests: idPath('/api/alerts/', '/test').map((path): HostileRequest => ({ method: 'POST', path })) },
		{ name: 'GET /api/alerts/events', numRuns: 50, requests: get('/api/alerts/events', hostileQuery([['rule', '1'], ['limit', '10']], { rule: ids, limit: ['1', '1000', '1001', '0'] })) },
		{ name: 'GET /api/report-schedules', numRuns: 10, requests: get('/api/report-schedules', hostileQuery([])) },
		{ name: 'POST /api/report-schedules', numRuns: 80, requests: withBody('POST', fc.constant('/api/report-schedules'), hostileBody(validSchedule(webhookUrl), schedulePaths)) },
		{ name: 'PATCH /api/report-schedules/<id>', numRuns: 30, requests: withBody('PATCH', idPath('/api/report-schedules/'), hostileBody({ isEnabled: false }, ['isEnabled'])) },
		{ name: 'DELETE /api/report-schedules/<id>', numRuns: 20, requests: idPath('/api/report-schedules/').map((path): HostileRequest => ({ method: 'DELETE', path })) },
		{ name: 'POST /api/report-schedules/<id>/send', numRuns: 20, requests: idPath('/api/report-schedules/', '/send').map((path): HostileRequest => ({ method: 'POST', path })) },
		{
			name: 'GET /api/targets',
			numRuns: 20,
			requests: get(
				'/api/targets',
				hostileQuery([['limit', '2']], { limit: ['1', '1000', '0', '1001'], after: ['github:fuzz/seeded', 'github:'], q: ['stars', ''], source: ['github', 'nope'] })
			)
		},
		{ name: 'POST /api/targets', numRuns: 60, requests: withBody('POST', fc.constant('/api/targets'), hostileBody({ ref: 'dockerhub:fuzz/image' }, ['ref'])) },
		{
			name: 'DELETE /api/targets/<ref>',
			numRuns: 40,
			requests: fc
				.oneof(fc.constantFrom('github:fuzz/missing', 'reference:dockerhub', 'github:fuzz/seeded/extra'), fc.array(hostileSegment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')))
				.map((ref): HostileRequest => ({ method: 'DELETE', path: `/api/targets/${ref}` }))
		},
		{ name: 'GET /api/collection', numRuns: 10, requests: get('/api/collection', hostileQuery([])) },
		{
			name: 'POST /api/import',
			numRuns: 120,
			requests: fc
				.record({
					query: hostileQuery([['series', 'github:fuzz/imported:stars']], { series: ['github:fuzz/seeded:stars', 'dockerhub:fuzz/pulls:pulls', 'github:fuzz/gauge:watchers', 'reference:dockerhub:pulls'] }),
					body: hostileCsv,
					contentType: fc.constantFrom('text/csv', 'text/csv', undefined, 'application/json')
				})
				.map((r): HostileRequest => ({ method: 'POST', path: '/api/import', ...r }))
		},
		{ name: 'POST /targets?/add', numRuns: 40, requests: formAction('/targets', '/add', { ref: ['dockerhub:fuzz/image', 'https://github.com/fuzz/repo', 'reference:dockerhub'] }) },
		{ name: 'POST /targets?/remove', numRuns: 40, requests: formAction('/targets', '/remove', { ref: ['github:fuzz/missing', 'reference:dockerhub'], confirm: ['yes', 'no'] }) },
		{ name: 'POST /targets?/<action>', numRuns: 20, requests: formAction('/targets', fc.constantFrom('/default', '/nothing', '', '/', '/add&/remove', 'x=1'), { ref: ['github:fuzz/missing'] }) },
		{ name: 'POST /signin?/signin', numRuns: 30, requests: formAction('/signin', '/signin', { token: ['x'.repeat(24)], next: ['/', '//evil.com', '/\\evil.com', '/explore'] }) },
		{
			name: 'GET pages',
			numRuns: 60,
			requests: fc
				.record({
					path: fc.oneof(fc.constantFrom('/', '/explore', '/report', '/targets', '/alerts', '/health', '/targets/github:fuzz/seeded'), hostileSegment.map((s) => `/targets/${s}`)),
					query: hostileQuery([], { window: ['7d', '30d', '1y'], series: seededSeries, from: dates, to: dates, preset: ['1y'], q: [''], sort: ['name'] })
				})
				.map((r): HostileRequest => ({ method: 'GET', ...r }))
		},
		// Last, so that the endpoints before keep their seeds (seed + index).
		{
			name: 'GET /api/report.zip',
			numRuns: 30,
			requests: get('/api/report.zip', hostileQuery([['series', 'github:fuzz/seeded:stars'], ['from', '2026-01-01'], ['to', '2026-06-01']], { series: seededSeries, from: dates, to: dates, fromEvent: ids, toEvent: ids }))
		}
	];
}
