import { describe, expect, it } from 'vitest';
import { ParameterError } from '../../src/lib/server/http/parse.js';
import { parseSeriesQuery } from '../../src/lib/server/series/params.js';

const parse = (query: string) => parseSeriesQuery(new URLSearchParams(query));

function expectBad(query: string, parameter: string, reason: string) {
	try {
		parse(query);
	} catch (error) {
		expect(error).toBeInstanceOf(ParameterError);
		expect((error as ParameterError).parameter).toBe(parameter);
		expect((error as ParameterError).reason).toContain(reason);
		return;
	}
	throw new Error(`expected ${query} to be refused`);
}

describe('series query parameters', () => {
	it('has defaults: raw values, 1000 points, no bounds', () => {
		expect(parse('series=github:moby/moby:stars')).toEqual({
			series: [{ source: 'github', key: 'moby/moby', metric: 'stars' }],
			from: undefined,
			to: undefined,
			interval: 'raw',
			transform: 'value',
			points: 1000,
			smooth: 1
		});
	});

	it('reads several series, bounds, interval, transform and points', () => {
		const q = parse(
			'series=github:moby/moby:stars&series=dockerhub:library/nginx:pulls&from=2014-06-09&to=2015-06-22&interval=month&transform=growth&points=50'
		);
		expect(q.series).toHaveLength(2);
		expect(q.from?.toISOString()).toBe('2014-06-09T00:00:00.000Z');
		// A date as upper bound includes that whole day.
		expect(q.to?.toISOString()).toBe('2015-06-23T00:00:00.000Z');
		expect([q.interval, q.transform, q.points]).toEqual(['month', 'growth', 50]);
	});

	it('includes a timestamp upper bound itself', () => {
		expect(parse('series=github:a/b:stars&to=2015-06-22T12:00:00Z').to?.toISOString()).toBe('2015-06-22T12:00:00.001Z');
	});

	it.each([
		['', 'series', 'at least one series'],
		['series=stars', 'series', 'not a series reference'],
		['series=github:a/b:stars&from=2015-13-01', 'from', 'not an ISO date'],
		['series=github:a/b:stars&to=soon', 'to', 'not an ISO date'],
		['series=github:a/b:stars&from=2015-06-22&to=2014-06-09', 'to', 'must be after from'],
		['series=github:a/b:stars&interval=hour', 'interval', 'expected one of raw, day, week, month, quarter, year'],
		['series=github:a/b:stars&transform=log', 'transform', 'expected one of value, delta, growth, index'],
		['series=github:a/b:stars&points=5', 'points', 'at least 10'],
		['series=github:a/b:stars&points=100000', 'points', 'at most 10000'],
		['series=github:a/b:stars&points=12.5', 'points', 'whole number'],
		['series=github:a/b:stars&points=lots', 'points', 'whole number'],
		['series=github:a/b:stars&interval=day&interval=month', 'interval', 'more than once'],
		['series=github:a/b:stars&intervall=month', 'intervall', 'unknown parameter']
	])('refuses %j naming %s', (query, parameter, reason) => expectBad(query, parameter, reason));

	it('refuses more than 20 series', () => {
		const many = Array.from({ length: 21 }, (_, i) => `series=github:a/b${i}:stars`).join('&');
		expectBad(many, 'series', 'at most 20');
	});
});
