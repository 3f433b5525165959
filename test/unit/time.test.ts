import { describe, expect, it } from 'vitest';
import { parseIsoInstant } from '../../src/lib/server/time.js';

describe('ISO instants', () => {
	it.each([
		['2014-06-09', '2014-06-09T00:00:00.000Z'],
		['2014-06-09T12:30', '2014-06-09T12:30:00.000Z'],
		['2014-06-09T12:30:15.25Z', '2014-06-09T12:30:15.250Z'],
		['2014-06-09T14:30:15+02:00', '2014-06-09T12:30:15.000Z'],
		['2014-06-09T00:30:00-0130', '2014-06-09T02:00:00.000Z'],
		['2016-02-29', '2016-02-29T00:00:00.000Z']
	])('reads %s as %s (UTC when no zone is given)', (text, iso) => {
		expect(parseIsoInstant(text)?.toISOString()).toBe(iso);
	});

	it.each(['2015-02-29', '2014-13-01', '2014-06-31', '2014-6-9', '09/06/2014', '2014-06-09T25:00', 'yesterday', '', '1969-12-31'])(
		'refuses %j',
		(text) => {
			expect(parseIsoInstant(text)).toBeUndefined();
		}
	);

	it.each([
		['9999-12-31T23:00:00-05:00', 'the year 10000 in UTC'],
		['9999-12-31T23:59:59.9999Z', 'rounded up into the year 10000'],
		['1970-01-01T00:30:00+01:00', 'the year 1969 in UTC'],
		['10000-01-01', 'five digits of year']
	])('refuses %s (%s): years 1970 to 9999 hold after the zone offset', (text) => {
		expect(parseIsoInstant(text)).toBeUndefined();
	});

	it.each([
		['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
		['9999-12-31T23:00:00+05:00', '9999-12-31T18:00:00.000Z'],
		['1970-01-01T00:30:00-01:00', '1970-01-01T01:30:00.000Z'],
		['1970-01-01', '1970-01-01T00:00:00.000Z']
	])('takes %s, at the edges of the range', (text, iso) => {
		expect(parseIsoInstant(text)?.toISOString()).toBe(iso);
	});
});
