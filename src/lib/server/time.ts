/**
 * ISO 8601 dates and timestamps as the import and the API accept them: `2014-06-09` (midnight UTC),
 * `2014-06-09T12:30`, `2014-06-09T12:30:15.250Z`, `2014-06-09T14:30:15+02:00`. A timestamp without a
 * zone is read as UTC, the only zone Dockpulse stores. Impossible dates (2015-02-30) are refused rather
 * than rolled over as Date.parse would.
 */
const isoPattern =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The instants Dockpulse takes, in UTC: the years 1970 to 9999. */
export const minInstantMs = Date.UTC(1970, 0, 1);
export const maxInstantMs = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function isDateOnly(text: string): boolean {
	return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

export function parseIsoInstant(text: string): Date | undefined {
	const m = isoPattern.exec(text.trim());
	if (!m) return undefined;
	const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = m;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const hour = Number(h);
	const minute = Number(mi);
	const second = Number(s);
	if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
	if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
	const ms = fraction ? Math.round(Number(`0${fraction}`) * 1000) : 0;
	let utcMs = Date.UTC(year, month - 1, day, hour, minute, second, ms);
	if (zone !== 'Z') {
		const sign = zone.startsWith('-') ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
		if (offsetMinutes > 18 * 60) return undefined;
		utcMs -= sign * offsetMinutes * 60_000;
	}
	// Date.UTC maps years 0-99 to 1900-1999; such dates are typos in this domain anyway. The range holds
	// for the instant in UTC, after the offset: 9999-12-31T23:00-05:00 is in the year 10000, which
	// PostgreSQL's ISO output and toISOString() spell differently, so it is no instant we take.
	if (year < 1970 || year > 9999) return undefined;
	if (utcMs < minInstantMs || utcMs > maxInstantMs) return undefined;
	return new Date(utcMs);
}

export function formatIsoDate(date: Date): string {
	return date.toISOString().slice(0, 10);
}

/** `YYYY-MM` moved by `count` months (negative goes back). */
export function addMonths(month: string, count: number): string {
	const [year, monthNumber] = month.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(year, monthNumber - 1 + count, 1)).toISOString().slice(0, 7);
}

/**
 * Where a value that describes a whole month (a count at the month's end, rebuilt from a history or
 * measured from a log) is stamped: the month's last day at 00:00 UTC. Not the month's first day, where
 * "nearest on or before" any date in the month would read a count that includes the rest of the
 * month, a month early; and inside the month, so that day, month and coarser buckets hold it in the
 * period it describes.
 */
export function monthEndStamp(month: string): Date {
	const [year, monthNumber] = month.split('-').map(Number) as [number, number];
	// Day 0 of the next month is the last day of this one.
	return new Date(Date.UTC(year, monthNumber, 0));
}

/** Said in the note of every series of month-end values, so the chart's reader knows which end. */
export const monthEndStampNote =
	"Each monthly value is the count at the end of its month, stamped on the month's last day (00:00 UTC).";
