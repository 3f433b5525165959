import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, monthEndStamp, parseIsoInstant } from '../../src/lib/server/time.js';

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

describe('month-end stamps', () => {
	it.each([
		['2014-05', '2014-05-31T00:00:00.000Z'],
		['2016-02', '2016-02-29T00:00:00.000Z'],
		['2015-02', '2015-02-28T00:00:00.000Z'],
		['2014-12', '2014-12-31T00:00:00.000Z']
	])('stamps %s on its last day', (month, iso) => {
		expect(monthEndStamp(month).toISOString()).toBe(iso);
	});

	it('moves months across years both ways', () => {
		expect(addMonths('2014-12', 1)).toBe('2015-01');
		expect(addMonths('2015-01', -1)).toBe('2014-12');
		expect(addMonths('2013-03', 27)).toBe('2015-06');
	});

	it('stamps every month inside itself, one day before the next month starts', () => {
		const months = fc.tuple(fc.integer({ min: 1970, max: 9998 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
		fc.assert(
			fc.property(months, (month) => {
				const stamp = monthEndStamp(month);
				expect(stamp.toISOString().slice(0, 7)).toBe(month);
				expect(stamp.getTime() + 86_400_000).toBe(Date.parse(`${addMonths(month, 1)}-01T00:00:00Z`));
			})
		);
	});
});
