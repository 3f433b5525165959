import { describe, expect, it } from 'vitest';
import {
	buildExploreHref,
	defaultExploreState,
	parseExploreState,
	resolveRange,
	serializeExploreState,
	withTransform,
	type ExploreState
} from '../../src/lib/explore-state.js';

const parse = (query: string) => parseExploreState(new URLSearchParams(query));

describe('explorer URL state', () => {
	it('reads an empty query as the default view', () => {
		expect(parse('')).toEqual({ ok: true, state: defaultExploreState });
		expect(buildExploreHref(defaultExploreState)).toBe('/explore');
	});

	it('reads back every field it wrote (serialize then parse is the identity)', () => {
		const state: ExploreState = {
			series: ['github:moby/moby:stars', 'dockerhub:library/nginx:pulls'],
			range: '5y',
			from: '2015-01-01',
			to: '2016-06-30',
			interval: 'week',
			transform: 'growth',
			smooth: 4,
			log: true,
			align: true,
			view: 'both',
			forecast: 180
		};
		const query = serializeExploreState(state).toString();
		expect(parse(query)).toEqual({ ok: true, state });
	});

	it('leaves defaults out of the URL, so links stay short', () => {
		const query = serializeExploreState({ ...defaultExploreState, series: ['github:moby/moby:stars'], interval: 'day' }).toString();
		expect(query).toBe('series=github%3Amoby%2Fmoby%3Astars&interval=day');
	});

	it('keeps more than 20 series in the URL, in order, without duplicates', () => {
		const series = Array.from({ length: 25 }, (_, i) => `github:org/r${i}:stars`);
		const query = [...series, series[0]!].map((s) => `series=${encodeURIComponent(s)}`).join('&');
		const result = parse(query);
		expect(result.ok && result.state.series).toEqual(series);
	});

	it.each([
		['interval=fortnight', 'interval', 'expected one of raw, day, week, month, quarter, year'],
		['range=2w', 'range', 'expected one of 30d, 90d, 1y, 5y, ytd, all'],
		['from=yesterday', 'from', 'expected an ISO date such as 2015-06-22'],
		['to=2015-02-30', 'to', 'expected an ISO date such as 2015-06-22'],
		['from=2016-01-01&to=2015-01-01', 'to', 'must not be before from'],
		['log=maybe', 'log', 'expected true or false'],
		['align=yes please', 'align', 'expected true or false'],
		['smooth=0', 'smooth', 'expected at least 1 (no smoothing)'],
		['smooth=2.5', 'smooth', 'expected a whole number of periods'],
		['view=grid', 'view', 'expected one of chart, table, both'],
		['transform=double', 'transform', 'expected one of value, delta, growth, index, share, yoy'],
		['interval=day&interval=week', 'interval', 'given more than once'],
		['forecast=0', 'forecast', 'expected at least 1 day'],
		['forecast=1096', 'forecast', 'expected at most 1095 days'],
		['forecast=soon', 'forecast', 'expected a whole number of days']
	])('names the bad parameter in %s', (query, parameter, reason) => {
		expect(parse(query)).toEqual({ ok: false, parameter, reason });
	});

	it('refuses a series that is not a reference, and an unknown parameter', () => {
		const bad = parse('series=nonsense');
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.parameter).toBe('series');
		expect(!bad.ok && bad.reason).toContain('"nonsense" is not a series reference');
		const unknown = parse('colour=red');
		expect(!unknown.ok && [unknown.parameter, unknown.reason.startsWith('unknown parameter')]).toEqual(['colour', true]);
	});
});

describe('choosing a transform', () => {
	it('moves share and yoy from raw samples to days, and leaves other intervals and transforms alone', () => {
		const raw: ExploreState = { ...defaultExploreState, interval: 'raw' };
		expect(withTransform(raw, 'share')).toMatchObject({ transform: 'share', interval: 'day' });
		expect(withTransform(raw, 'yoy')).toMatchObject({ transform: 'yoy', interval: 'day' });
		expect(withTransform(raw, 'delta')).toMatchObject({ transform: 'delta', interval: 'raw' });
		expect(withTransform({ ...defaultExploreState, interval: 'quarter' }, 'yoy')).toMatchObject({ transform: 'yoy', interval: 'quarter' });
	});
});

describe('explorer date range', () => {
	const now = Date.parse('2026-11-28T15:00:00Z');

	it('counts presets back from today (UTC), today included', () => {
		expect(resolveRange({ range: '30d', from: undefined, to: undefined }, now)).toEqual({ from: '2026-10-30', to: undefined });
		expect(resolveRange({ range: '1y', from: undefined, to: undefined }, now)).toEqual({ from: '2025-11-29', to: undefined });
		expect(resolveRange({ range: 'ytd', from: undefined, to: undefined }, now)).toEqual({ from: '2026-01-01', to: undefined });
		expect(resolveRange({ range: 'all', from: undefined, to: undefined }, now)).toEqual({ from: undefined, to: undefined });
	});

	it('lets custom dates override the preset', () => {
		expect(resolveRange({ range: '30d', from: '2015-01-01', to: '2015-12-31' }, now)).toEqual({ from: '2015-01-01', to: '2015-12-31' });
		expect(resolveRange({ range: '30d', from: undefined, to: '2026-11-01' }, now)).toEqual({ from: '2026-10-30', to: '2026-11-01' });
	});
});
