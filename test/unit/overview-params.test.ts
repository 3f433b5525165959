import { describe, expect, it } from 'vitest';
import { isIsoDate, parseOverviewParams } from '../../src/lib/overview-params.js';

const parse = (query: string) => parseOverviewParams(new URLSearchParams(query));

describe('overview URL parameters', () => {
	it.each([
		['', { kind: '1y' }],
		['window=30d', { kind: '30d' }],
		['window=90d', { kind: '90d' }],
		['window=ytd', { kind: 'ytd' }],
		['window=custom&from=2014-06-09&to=2015-06-22', { kind: 'custom', from: '2014-06-09', to: '2015-06-22' }],
		['window=custom&from=2014-06-09&to=', { kind: 'custom', from: '2014-06-09', to: undefined }],
		['from=2014-06-09', { kind: 'custom', from: '2014-06-09', to: undefined }],
		// The preset form does not send dates, but a hand-edited URL may: a preset wins.
		['window=30d&from=2014-06-09&to=2015-06-22', { kind: '30d' }]
	])('reads "%s"', (query, window) => {
		expect(parse(query)).toEqual({ window, problems: [] });
	});

	it.each([
		['window=fortnight', 'window', /"fortnight" is not a window \(expected one of 30d, 90d, 1y, ytd, custom\)/],
		['window=custom', 'from', /needs a start date/],
		['window=custom&from=2015-02-30', 'from', /"2015-02-30" is not an ISO date/],
		['window=custom&from=yesterday', 'from', /"yesterday" is not an ISO date/],
		['window=custom&from=2015-06-22&to=2014-06-09', 'to', /must not be before from \(2015-06-22\)/],
		['to=2015-06-22', 'from', /needs a start date/],
		['window=30d&window=90d', 'window', /given more than once/],
		['windw=30d', 'windw', /unknown parameter \(expected window, from, to\)/]
	])('names the bad parameter in "%s" and falls back to the default window', (query, parameter, message) => {
		const parsed = parse(query);
		expect(parsed.window).toEqual({ kind: '1y' });
		expect(parsed.problems[0]).toMatchObject({ parameter, message: expect.stringMatching(message) });
	});

	it('accepts only real calendar days', () => {
		expect([isIsoDate('2024-02-29'), isIsoDate('2023-02-29'), isIsoDate('2015-6-22'), isIsoDate('1969-12-31')]).toEqual([true, false, false, false]);
	});
});
