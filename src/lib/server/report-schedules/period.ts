import type { ReportSchedulePeriod } from '../../types/report-schedules.js';
import type { ReportPeriod } from '../report/params.js';

/**
 * A schedule's period preset as of one tick (UTC calendar): the report period a send covers.
 * - last-7-days, last-30-days: the whole days before the tick's day (a Monday 08:00 send of "last 7
 *   days" covers Monday to Sunday of the week before, not a partial day);
 * - month-to-date, year-to-date: from the first day of the tick's month (year) up to the tick itself;
 * - previous-month: the whole calendar month before the tick's.
 */

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = 86_400_000;

export function computeSchedulePeriod(preset: ReportSchedulePeriod, tickMs: number): ReportPeriod {
	const tick = new Date(tickMs);
	const year = tick.getUTCFullYear();
	const month = tick.getUTCMonth();
	const todayMs = Date.UTC(year, month, tick.getUTCDate());
	switch (preset) {
		case 'last-7-days':
			return { kind: 'dates', from: isoDay(todayMs - 7 * dayMs), to: isoDay(todayMs - dayMs) };
		case 'last-30-days':
			return { kind: 'dates', from: isoDay(todayMs - 30 * dayMs), to: isoDay(todayMs - dayMs) };
		case 'month-to-date':
			return { kind: 'dates', from: isoDay(Date.UTC(year, month, 1)), to: undefined };
		case 'year-to-date':
			return { kind: 'dates', from: isoDay(Date.UTC(year, 0, 1)), to: undefined };
		case 'previous-month':
			// Day 0 of a month is the last day of the month before.
			return { kind: 'dates', from: isoDay(Date.UTC(year, month - 1, 1)), to: isoDay(Date.UTC(year, month, 0)) };
	}
}
