import type { WindowSpec } from '../../overview-params.js';

/**
 * Growth between two samples of a series, and the time windows growth is measured over. Pure: the
 * overview and the growth reports both build on these.
 *
 * Window semantics: a window ends now (or at the end of the `to` day, UTC, for a custom window) and
 * starts 30 days, 90 days or one calendar year before its end, on 1 January (UTC) of the current year
 * (ytd), or at the start of the `from` day. Growth compares the latest sample on or before the end
 * with the base: the latest sample on or before the start. A series with no sample on or before the
 * start uses its first sample inside the window instead (and says so); a series whose latest sample
 * is before the start has no data in the window.
 */

const dayMs = 86_400_000;

export interface ValueAt {
	ts: Date;
	value: number;
}

export interface Growth {
	/** latest - base, in the series' unit. */
	change: number;
	/** (latest - base) / |base| x 100; null on a zero base, where any growth is infinite. */
	percent: number | null;
	/** latest / base; null unless both are positive (a ratio of signed values misleads). */
	multiplier: number | null;
	/** Days from the base to the latest sample, fractional. */
	days: number;
	/** Years from the base to the latest sample, counted on the calendar (2020-01-01 to 2022-01-01 is 2). */
	years: number;
	/**
	 * Compound annual growth rate in percent: the yearly rate that compounds to the multiplier over
	 * `years`. Computed for any span > 0; it says little below about a year, and callers decide.
	 */
	cagrPercent: number | null;
}

/** The same instant `years` calendar years later (or earlier, when negative). */
export function addUtcYears(ms: number, years: number): number {
	const date = new Date(ms);
	const year = date.getUTCFullYear() + years;
	const month = date.getUTCMonth();
	// 29 February lands on 28 February in a year without one, instead of rolling over to March.
	const day = Math.min(date.getUTCDate(), new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
	return Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

/**
 * Calendar years between two instants: whole years to the last anniversary, plus the part of the
 * next year (by its own length, 365 or 366 days) that has passed since.
 */
export function computeYears(fromMs: number, toMs: number): number {
	if (toMs < fromMs) return -computeYears(toMs, fromMs);
	let whole = new Date(toMs).getUTCFullYear() - new Date(fromMs).getUTCFullYear();
	while (whole > 0 && addUtcYears(fromMs, whole) > toMs) whole--;
	const anniversary = addUtcYears(fromMs, whole);
	const nextAnniversary = addUtcYears(fromMs, whole + 1);
	return whole + (toMs - anniversary) / (nextAnniversary - anniversary);
}

export function computeGrowth(base: ValueAt, latest: ValueAt): Growth {
	const change = latest.value - base.value;
	const baseMs = base.ts.getTime();
	const latestMs = latest.ts.getTime();
	const multiplier = base.value > 0 && latest.value >= 0 ? latest.value / base.value : null;
	const years = computeYears(baseMs, latestMs);
	return {
		change,
		percent: base.value === 0 ? null : (change / Math.abs(base.value)) * 100,
		multiplier,
		days: (latestMs - baseMs) / dayMs,
		years,
		cagrPercent: multiplier !== null && years > 0 ? (multiplier ** (1 / years) - 1) * 100 : null
	};
}

export interface ResolvedWindow {
	spec: WindowSpec;
	/** Inclusive: the base is the latest sample at or before this instant. */
	start: Date;
	/** Inclusive: the latest sample is the latest at or before this instant. */
	end: Date;
}

function startOfUtcDay(ms: number): number {
	return Math.floor(ms / dayMs) * dayMs;
}

/** Pins a window to a clock. A custom `to` day is included whole; a missing one means now. */
export function resolveWindow(spec: WindowSpec, now: Date): ResolvedWindow {
	const nowMs = now.getTime();
	switch (spec.kind) {
		case '30d':
			return { spec, start: new Date(nowMs - 30 * dayMs), end: now };
		case '90d':
			return { spec, start: new Date(nowMs - 90 * dayMs), end: now };
		case '1y':
			return { spec, start: new Date(addUtcYears(nowMs, -1)), end: now };
		case 'ytd':
			return { spec, start: new Date(Date.UTC(now.getUTCFullYear(), 0, 1)), end: now };
		case 'custom': {
			const fromMs = startOfUtcDay(Date.parse(`${spec.from}T00:00:00Z`));
			const endMs = spec.to === undefined ? nowMs : Date.parse(`${spec.to}T00:00:00Z`) + dayMs - 1;
			return { spec, start: new Date(fromMs), end: new Date(endMs) };
		}
	}
}

/** How a series stands in a window, from its samples around it (see the module comment). */
export type WindowGrowth<T extends ValueAt> =
	| { state: 'growth'; base: T; latest: T; isBaseFirstInWindow: boolean; growth: Growth }
	| { state: 'noData'; lastBefore: T | undefined; firstAfter: T | undefined }
	| { state: 'empty' };

/**
 * atStart: the latest sample on or before the start; atEnd: the latest on or before the end;
 * firstFromStart: the first sample on or after the start (any time, even after the end).
 */
export function computeWindowGrowth<T extends ValueAt>(
	window: Pick<ResolvedWindow, 'start' | 'end'>,
	samples: { atStart: T | undefined; atEnd: T | undefined; firstFromStart: T | undefined }
): WindowGrowth<T> {
	const { atStart, atEnd, firstFromStart } = samples;
	if (!atEnd && !firstFromStart) return { state: 'empty' };
	const isLatestInWindow = atEnd !== undefined && atEnd.ts.getTime() >= window.start.getTime();
	if (!atEnd || !isLatestInWindow) return { state: 'noData', lastBefore: atEnd, firstAfter: firstFromStart };
	const base = atStart ?? firstFromStart!;
	return { state: 'growth', base, latest: atEnd, isBaseFirstInWindow: atStart === undefined, growth: computeGrowth(base, atEnd) };
}
