import { anomalyThreshold, anomalyWindowDays, type AnomalyKind } from '../../types/anomalies.js';
import { dayMs } from './forecast.js';
import { computeMedianInPlace } from './median.js';
import { SortedWindow } from './sorted-window.js';

export type { AnomalyKind } from '../../types/anomalies.js';

/**
 * Anomaly flags on a counter's daily deltas: each day's change is scored against the days before it
 * with a robust z-score (median and MAD, which one burst of pulls does not drag along as a mean and
 * standard deviation would), and a day past the threshold is a `spike` or a `drop`. Pure: the caller
 * reads the last value of each UTC day, in time order.
 *
 * Only counters are scored: a gauge's daily change is not a rate. A day is scored only when the
 * deltas reach back a whole window before it and the window holds enough of them, so the first
 * `windowDays` days of a series (and the days after a long gap) carry no score.
 */

export { dayMs };

export interface AnomalySettings {
	/**
	 * How many days before a day form its baseline. Eight weeks: eight values of each weekday, so a
	 * weekday's median is not at the mercy of one odd week, while a growing counter's baseline lags
	 * its trend by four weeks only.
	 */
	windowDays: number;
	/** Fewer deltas than this in the window (gaps in the history) and the day is not scored. */
	minWindowDeltas: number;
	/** |robust z| above this flags the day (3.5 is Iglewicz and Hoaglin's recommended cut-off). */
	threshold: number;
	/**
	 * The weekly-seasonality test: the series is scored per weekday when its weekday medians span more
	 * than this many robust standard deviations of the deltas around them. On the synthetic series of
	 * the tests without a weekly rhythm (15% noise), 2% of the windows pass 2.5, 11% pass 2; a weekend
	 * at 60% of the weekdays passes in 99.4% or more of them.
	 */
	seasonalitySpan: number;
	/**
	 * The floor of the MAD, as a share of the window's median delta and as an absolute, so that a flat
	 * series (MAD 0) does not turn the smallest wobble into an infinite score.
	 */
	madFloorRatio: number;
	madFloorAbs: number;
}

export const defaultAnomalySettings: AnomalySettings = {
	windowDays: anomalyWindowDays,
	minWindowDeltas: 42,
	threshold: anomalyThreshold,
	seasonalitySpan: 2.5,
	madFloorRatio: 0.05,
	madFloorAbs: 1
};

/** The consistency constant of the MAD: 0.6745 x (x - median) / MAD is a z-score for normal data. */
const madToZ = 0.6745;

export interface DailyValue {
	dayMs: number;
	value: number;
}

/** The change of a counter into a day, per day (a gap of several days spreads its change over them). */
export interface DailyDelta {
	dayMs: number;
	delta: number;
}

export interface DayAnomaly {
	dayMs: number;
	kind: AnomalyKind;
	/** The robust z-score: positive for a spike, negative for a drop. */
	score: number;
}

/** The last value of each UTC day, from samples in time order (what the SQL reads do in the database). */
export function computeDailyValues(samples: readonly { tMs: number; value: number }[]): DailyValue[] {
	const days: DailyValue[] = [];
	for (const s of samples) {
		const day = Math.floor(s.tMs / dayMs) * dayMs;
		if (days.at(-1)?.dayMs === day) days.at(-1)!.value = s.value;
		else days.push({ dayMs: day, value: s.value });
	}
	return days;
}

/**
 * One delta per observed day, from the day before it that has a value. A day after a gap gets the
 * mean change per day over the gap, so two missed days followed by a catch-up are not read as a spike;
 * missed days get no delta of their own (and are not scored).
 */
export function computeDailyRates(days: readonly DailyValue[]): DailyDelta[] {
	const rates: DailyDelta[] = [];
	for (let i = 1; i < days.length; i++) {
		const gapDays = Math.max(1, Math.round((days[i]!.dayMs - days[i - 1]!.dayMs) / dayMs));
		rates.push({ dayMs: days[i]!.dayMs, delta: (days[i]!.value - days[i - 1]!.value) / gapDays });
	}
	return rates;
}

/** The UTC weekday, 0 = Sunday (1970-01-01 was a Thursday), without a Date per call. */
const weekdayOf = (tMs: number) => (((Math.floor(tMs / dayMs) + 4) % 7) + 7) % 7;

interface Baseline {
	/** The expected delta of the scored day (its weekday's median when seasonal). */
	center: number;
	/** The floored MAD of the window's deltas around their expected values. */
	mad: number;
	isSeasonal: boolean;
}

/**
 * The window of deltas before the scored day, kept sorted as a whole and per weekday while it slides
 * along the series, so that a day's medians are read off the middle of sorted windows: scoring a
 * ten-year series takes some 40,000 medians, and selecting each of them afresh cost 30 ms a series.
 */
interface Window {
	all: SortedWindow;
	/** 0 = Sunday. */
	byWeekday: SortedWindow[];
	weekdayMedians: Float64Array;
	/** Where the distances from each delta's weekday median are selected in. */
	scratch: Float64Array;
}

function createWindow(settings: AnomalySettings, seriesLength: number): Window {
	const perWeekday = Math.ceil(settings.windowDays / 7) + 1;
	return {
		all: new SortedWindow(settings.windowDays + 1),
		byWeekday: Array.from({ length: 7 }, () => new SortedWindow(perWeekday)),
		weekdayMedians: new Float64Array(7),
		scratch: new Float64Array(seriesLength)
	};
}

function enterWindow(w: Window, delta: number, weekday: number): void {
	w.all.insert(delta);
	w.byWeekday[weekday]!.insert(delta);
}

function leaveWindow(w: Window, delta: number, weekday: number): void {
	w.all.remove(delta);
	w.byWeekday[weekday]!.remove(delta);
}

/** The median distance of the window's deltas from their weekday's median, relative to it or not. */
function medianWeekdayDistance(w: Window, isRelative: boolean): number {
	let n = 0;
	for (let day = 0; day < 7; day++) {
		const expected = w.weekdayMedians[day]!;
		n = w.byWeekday[day]!.writeDistances(w.scratch, n, expected, isRelative ? expected : undefined);
	}
	return computeMedianInPlace(w.scratch, 0, n);
}

/** Fills w.weekdayMedians (0 = Sunday) and returns true, or returns false when a weekday has fewer than 3 deltas in the window. */
function computeWeekdayMedians(w: Window): boolean {
	for (let day = 0; day < 7; day++) {
		const deltas = w.byWeekday[day]!;
		if (deltas.size < 3) return false;
		w.weekdayMedians[day] = deltas.median();
	}
	return true;
}

/**
 * The MAD of a seasonal window, scaled to the scored weekday. Pulls vary in proportion to their level,
 * so a weekend at 60% of the weekdays also wobbles at 60% of their size: the deviations are measured
 * relative to their weekday's median and scaled back by the scored weekday's. A weekday median of 0 or
 * less (a quiet counter) has no proportion: the pooled MAD around the weekday medians then serves.
 */
function computeSeasonalMad(w: Window, center: number, residualMad: number, floor: number, settings: AnomalySettings): number {
	for (let day = 0; day < 7; day++) if (w.weekdayMedians[day]! <= 0) return residualMad;
	const relativeMad = medianWeekdayDistance(w, true);
	return Math.max(floor, Math.max(settings.madFloorRatio, relativeMad) * center);
}

/** The baseline a day is judged against: per weekday when the window is weekly-seasonal, else the whole window. */
function computeBaseline(w: Window, scoredWeekday: number, settings: AnomalySettings): Baseline {
	const median = w.all.median();
	const floor = Math.max(settings.madFloorAbs, settings.madFloorRatio * Math.abs(median));
	const overall: Baseline = { center: median, mad: Math.max(floor, w.all.medianDistance(median)), isSeasonal: false };
	if (!computeWeekdayMedians(w)) return overall;
	const residualMad = Math.max(floor, medianWeekdayDistance(w, false));
	let highest = -Infinity;
	let lowest = Infinity;
	for (let day = 0; day < 7; day++) {
		highest = Math.max(highest, w.weekdayMedians[day]!);
		lowest = Math.min(lowest, w.weekdayMedians[day]!);
	}
	// residualMad / madToZ estimates a standard deviation of the deltas around their weekday's median.
	if (highest - lowest <= (settings.seasonalitySpan * residualMad) / madToZ) return overall;
	const center = w.weekdayMedians[scoredWeekday]!;
	return { center, mad: computeSeasonalMad(w, center, residualMad, floor, settings), isSeasonal: true };
}

export function computeRobustScore(delta: number, baseline: Pick<Baseline, 'center' | 'mad'>): number {
	return (madToZ * (delta - baseline.center)) / baseline.mad;
}

export interface DayScore extends DailyDelta {
	/** Undefined when the window held too few deltas to judge the day. */
	score: number | undefined;
	isSeasonal: boolean;
}

/** Each day's score (NaN where the day is not scored) and whether it was judged per weekday. */
interface DayScores {
	scores: Float64Array;
	isSeasonal: Uint8Array;
}

/**
 * Every day's score against the `windowDays` days before it (the day itself excluded). The window is
 * [start, i): the deltas of the days from windowDays before day i up to the day before it.
 */
function scoreEachDay(deltas: readonly DailyDelta[], settings: AnomalySettings): DayScores {
	const result: DayScores = { scores: new Float64Array(deltas.length).fill(NaN), isSeasonal: new Uint8Array(deltas.length) };
	if (deltas.length === 0) return result;
	const weekdays = Uint8Array.from(deltas, (d) => weekdayOf(d.dayMs));
	const w = createWindow(settings, deltas.length);
	const firstDayMs = deltas[0]!.dayMs;
	let start = 0;
	for (let i = 0; i < deltas.length; i++) {
		if (i > 0) enterWindow(w, deltas[i - 1]!.delta, weekdays[i - 1]!);
		const windowStartMs = deltas[i]!.dayMs - settings.windowDays * dayMs;
		for (; deltas[start]!.dayMs < windowStartMs; start++) leaveWindow(w, deltas[start]!.delta, weekdays[start]!);
		// The series (or the read) starts inside the window: too little history to say what is usual.
		const isWindowCovered = firstDayMs <= windowStartMs;
		if (!isWindowCovered || i - start < settings.minWindowDeltas) continue;
		const baseline = computeBaseline(w, weekdays[i]!, settings);
		result.scores[i] = computeRobustScore(deltas[i]!.delta, baseline);
		result.isSeasonal[i] = baseline.isSeasonal ? 1 : 0;
	}
	return result;
}

/** Every day's score against the `windowDays` days before it (the day itself excluded). */
export function scoreDailyDeltas(deltas: readonly DailyDelta[], settings: AnomalySettings = defaultAnomalySettings): DayScore[] {
	const { scores, isSeasonal } = scoreEachDay(deltas, settings);
	return deltas.map((day, i) => ({
		dayMs: day.dayMs,
		delta: day.delta,
		score: Number.isNaN(scores[i]!) ? undefined : scores[i]!,
		isSeasonal: isSeasonal[i] === 1
	}));
}

export function classifyScore(score: number | undefined, threshold: number): AnomalyKind | undefined {
	if (score === undefined || Math.abs(score) <= threshold) return undefined;
	return score > 0 ? 'spike' : 'drop';
}

/** The flagged days of a counter, from the last value of each of its UTC days (in time order). */
export function findAnomalies(days: readonly DailyValue[], settings: AnomalySettings = defaultAnomalySettings): DayAnomaly[] {
	const anomalies: DayAnomaly[] = [];
	const deltas = computeDailyRates(days);
	const { scores } = scoreEachDay(deltas, settings);
	for (let i = 0; i < deltas.length; i++) {
		const score = scores[i]!;
		const kind = Number.isNaN(score) ? undefined : classifyScore(score, settings.threshold);
		if (kind) anomalies.push({ dayMs: deltas[i]!.dayMs, kind, score });
	}
	return anomalies;
}

export function describeAnomalyMethod(settings: AnomalySettings = defaultAnomalySettings): string {
	return `robust z-score of the daily delta against the median and MAD of the ${settings.windowDays} days before it (per weekday when weekly-seasonal), flagged past ${settings.threshold}`;
}
