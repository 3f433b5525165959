import { describe, expect, it } from 'vitest';
import { parseReportQuery } from '../../src/lib/server/report/params.js';
import { ParameterError } from '../../src/lib/server/http/parse.js';

const parse = (query: string) => parseReportQuery(new URLSearchParams(query));
const reasonOf = (query: string) => {
	try {
		parse(query);
	} catch (error) {
		if (error instanceof ParameterError) return `${error.parameter}: ${error.reason}`;
		throw error;
	}
	return 'accepted';
};

describe('growth report parameters', () => {
	it('reads a preset, dates or two events, and defaults to the last year', () => {
		expect(parse('series=github:a/b:stars').period).toEqual({ kind: 'preset', preset: '1y' });
		expect(parse('series=github:a/b:stars&preset=ytd').period).toEqual({ kind: 'preset', preset: 'ytd' });
		expect(parse('series=github:a/b:stars&from=2014-06-09&to=2015-06-22').period).toEqual({ kind: 'dates', from: '2014-06-09', to: '2015-06-22' });
		expect(parse('series=github:a/b:stars&from=2014-06-09').period).toEqual({ kind: 'dates', from: '2014-06-09', to: undefined });
		expect(parse('series=github:a/b:stars&fromEvent=3&toEvent=7').period).toEqual({ kind: 'events', fromEvent: 3, toEvent: 7 });
		expect(parse('series=github:a/b:stars&minBase=10').minBase).toBe(10);
	});

	it.each([
		['series=github:a/b:stars&preset=1y&from=2014-01-01', 'preset: give one period'],
		['series=github:a/b:stars&to=2015-01-01', 'from: give from with to'],
		['series=github:a/b:stars&from=2015-01-01&to=2014-01-01', 'to: must be after from'],
		['series=github:a/b:stars&from=2015-02-30', 'from: "2015-02-30" is not an ISO date'],
		['series=github:a/b:stars&fromEvent=3', 'toEvent: give both'],
		['series=github:a/b:stars&preset=fortnight', 'preset: expected one of'],
		['preset=1y', 'series: give at least one'],
		['series=github:a/b:stars&colour=red', 'colour: unknown parameter']
	])('names the bad parameter in %s', (query, reason) => {
		expect(reasonOf(query)).toContain(reason);
	});
});
