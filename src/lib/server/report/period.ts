import type { Db } from '../db/client.js';
import { getEvent } from '../db/queries/events.js';
import { resolveWindow } from '../metrics/growth.js';
import type { ReportPeriod } from './params.js';

/** A report's period pinned to instants: values are read on or before each end. */
export interface ResolvedPeriod {
	start: Date;
	end: Date;
	/** What the analyst asked for, in words: "2014-06-09 to 2015-06-22", "between v1.0 and v2.0". */
	label: string;
}

export type PeriodResult = { ok: true; period: ResolvedPeriod } | { ok: false; parameter: string; message: string };

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Dates are whole UTC days, as on the overview: the start is the beginning of the `from` day, the end
 * the end of the `to` day (or now). Two events give their own instants.
 */
export async function resolvePeriod(db: Db, period: ReportPeriod, now: Date): Promise<PeriodResult> {
	if (period.kind === 'events') {
		const [from, to] = await Promise.all([getEvent(db, period.fromEvent), getEvent(db, period.toEvent)]);
		if (!from) return { ok: false, parameter: 'fromEvent', message: `no event ${period.fromEvent}` };
		if (!to) return { ok: false, parameter: 'toEvent', message: `no event ${period.toEvent}` };
		if (from.ts >= to.ts) return { ok: false, parameter: 'toEvent', message: `"${to.label}" (${day(to.ts)}) is not after "${from.label}" (${day(from.ts)})` };
		return { ok: true, period: { start: from.ts, end: to.ts, label: `between "${from.label}" (${day(from.ts)}) and "${to.label}" (${day(to.ts)})` } };
	}
	const window = resolveWindow(period.kind === 'dates' ? { kind: 'custom', from: period.from, to: period.to } : { kind: period.preset }, now);
	return { ok: true, period: { start: window.start, end: window.end, label: `${day(window.start)} to ${day(window.end)}` } };
}
