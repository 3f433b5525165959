/**
 * Forecasts of a counter: a damped linear trend fitted to its recent daily deltas, projected day by
 * day and summed onto the last value, with 80% and 95% intervals from the fit's residuals. Pure: the
 * caller reads the daily points (the last value of each UTC day) and gives them in time order.
 *
 * Why deltas and not values: a counter's value is a running sum, so a trend fitted to values carries
 * its whole past; the rate (pulls per day) is what changes and what is projected. Why damped: a
 * straight-line rate trend extrapolated for a year runs away (or below zero); damping lets the
 * slope fade so that the rate levels off, as adoption curves do.
 */

export const dayMs = 86_400_000;

/** The fit's settings; the defaults are the ones the API and the backtest use. */
export interface ForecastSettings {
	/** How many trailing days of deltas the trend is fitted to. */
	fitDays: number;
	/** The damping factor of the slope per day (1 = no damping). */
	damping: number;
	/** Days per block when measuring how far the rate drifts from its trend (see computeSpread). */
	blockDays: number;
	/** How many trailing days show how much the rate wanders month to month (see computeRateWander). */
	wanderDays: number;
}

export const defaultSettings: ForecastSettings = { fitDays: 90, damping: 0.98, blockDays: 7, wanderDays: 365 };

/** Fewer daily deltas than this and a trend means nothing: the answer says so instead. */
export const minFitDays = 14;

export function describeMethod(settings: ForecastSettings = defaultSettings): string {
	return `damped linear trend on daily deltas (fitted to the last ${settings.fitDays} days, damping ${settings.damping} per day)`;
}

/** The two-sided normal quantiles of the intervals. */
const z80 = 1.2816;
const z95 = 1.96;

export interface ForecastPoint {
	tMs: number;
	value: number;
	lower80: number;
	upper80: number;
	lower95: number;
	upper95: number;
}

export interface Forecast {
	/** The last observed day and value the projection starts from. */
	originMs: number;
	originValue: number;
	/** The fitted rate (per day) at the origin and its slope (per day per day). */
	level: number;
	slope: number;
	points: ForecastPoint[];
}

export type ForecastResult = { ok: true; forecast: Forecast } | { ok: false; reason: string };

/** Whole UTC days between two day starts. */
const daysBetween = (fromMs: number, toMs: number) => Math.round((toMs - fromMs) / dayMs);

/**
 * The change per day over the trailing window, one delta per calendar day. A gap of several days
 * between samples spreads its change evenly over those days, so that a missed day is not read as a
 * day without pulls followed by a day with two days' pulls.
 */
export function computeDailyDeltas(points: readonly [number, number][], windowDays: number): number[] {
	const deltas: number[] = [];
	for (let i = points.length - 1; i > 0 && deltas.length < windowDays; i--) {
		const [t1, v1] = points[i]!;
		const [t0, v0] = points[i - 1]!;
		const days = Math.max(1, daysBetween(t0, t1));
		for (let d = 0; d < days && deltas.length < windowDays; d++) deltas.push((v1 - v0) / days);
	}
	return deltas.reverse();
}

interface TrendFit {
	/** The fitted rate on the last day of the window. */
	level: number;
	slope: number;
	residuals: number[];
}

/** Least squares of delta on day index; the level is read at the last day, where projection starts. */
export function fitLinearTrend(deltas: readonly number[]): TrendFit {
	const n = deltas.length;
	const meanX = (n - 1) / 2;
	const meanY = deltas.reduce((sum, y) => sum + y, 0) / n;
	let sxy = 0;
	let sxx = 0;
	deltas.forEach((y, x) => {
		sxy += (x - meanX) * (y - meanY);
		sxx += (x - meanX) ** 2;
	});
	const slope = sxx === 0 ? 0 : sxy / sxx;
	const at = (x: number) => meanY + slope * (x - meanX);
	return { level: at(n - 1), slope, residuals: deltas.map((y, x) => y - at(x)) };
}

const rootMeanSquare = (values: readonly number[]) => (values.length === 0 ? 0 : Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length));

/**
 * The spread of the fit: `daily`, the day-to-day noise of the rate, and `drift`, how far the rate
 * stays off its trend for a week at a time. Daily noise alone would give bands that are far too
 * narrow: pull rates move in runs (a CI system pulling for a week), so an error persists and the
 * cumulative error grows with the horizon, not with its square root.
 */
export function computeSpread(residuals: readonly number[], blockDays: number): { daily: number; drift: number } {
	const blocks: number[] = [];
	for (let end = residuals.length; end - blockDays >= 0; end -= blockDays) {
		const block = residuals.slice(end - blockDays, end);
		blocks.push(block.reduce((s, r) => s + r, 0) / blockDays);
	}
	return { daily: rootMeanSquare(residuals), drift: rootMeanSquare(blocks) };
}

/** Days per block when comparing the mean rate of consecutive months. */
const monthDays = 30;

/**
 * How much the rate itself wanders: the variance per day of a random walk of the rate, read from the
 * changes between the mean daily deltas of consecutive 30-day blocks. The fit's residuals cannot show
 * it (the fit follows the last 90 days), yet it is what makes long projections miss: a project's pull
 * rate halves or doubles over a year. A random walk's mean over L days differs from the next block's
 * by a variance of about 2qL/3, plus 2 sigma^2 / L of daily noise, which is taken out.
 */
export function computeRateWander(deltas: readonly number[], dailyNoise: number): number {
	const means: number[] = [];
	for (let end = deltas.length; end - monthDays >= 0; end -= monthDays) {
		means.push(deltas.slice(end - monthDays, end).reduce((s, d) => s + d, 0) / monthDays);
	}
	if (means.length < 2) return 0;
	const changes = means.slice(1).map((m, i) => m - means[i]!);
	const meanSquare = changes.reduce((s, c) => s + c * c, 0) / changes.length;
	return (Math.max(0, meanSquare - (2 * dailyNoise ** 2) / monthDays) * 3) / (2 * monthDays);
}

/** The projected rate h days ahead: the slope's contribution fades by `damping` each day; never below zero. */
export function projectRate(level: number, slope: number, damping: number, h: number): number {
	const fade = damping === 1 ? h : (damping * (1 - damping ** h)) / (1 - damping);
	return Math.max(0, level + slope * fade);
}

/** Fits the trailing deltas of `points` ([day start ms, value], time order) and projects `horizonDays` days. */
export function computeForecast(points: readonly [number, number][], horizonDays: number, settings: ForecastSettings = defaultSettings): ForecastResult {
	const deltas = computeDailyDeltas(points, settings.fitDays);
	if (deltas.length < minFitDays) {
		return { ok: false, reason: `a forecast needs at least ${minFitDays} days of history; the series has ${deltas.length}` };
	}
	const [originMs, originValue] = points[points.length - 1]!;
	const fit = fitLinearTrend(deltas);
	const spread = computeSpread(fit.residuals, settings.blockDays);
	const wander = computeRateWander(computeDailyDeltas(points, settings.wanderDays), spread.daily);
	const projected: ForecastPoint[] = [];
	let value = originValue;
	for (let h = 1; h <= horizonDays; h++) {
		value += projectRate(fit.level, fit.slope, settings.damping, h);
		// Independent daily noise adds up as sqrt(h), a persistent drift of the rate as h, and a
		// wandering rate (a random walk summed over h days) as h^1.5.
		const sd = Math.sqrt(h * spread.daily ** 2 + (h * spread.drift) ** 2 + (wander * h ** 3) / 3);
		projected.push(boundPoint(originMs + h * dayMs, value, sd, projected[h - 2], originValue));
	}
	return { ok: true, forecast: { originMs, originValue, level: fit.level, slope: fit.slope, points: projected } };
}

/**
 * A counter never goes down, so no bound falls below the last value or below the previous day's
 * bound (the value tomorrow is at least today's, so today's lower bound holds for tomorrow too).
 */
function boundPoint(tMs: number, value: number, sd: number, previous: ForecastPoint | undefined, originValue: number): ForecastPoint {
	const floor = (raw: number, prior: number | undefined) => Math.max(raw, originValue, prior ?? originValue);
	return {
		tMs,
		value,
		lower80: floor(value - z80 * sd, previous?.lower80),
		upper80: value + z80 * sd,
		lower95: floor(value - z95 * sd, previous?.lower95),
		upper95: value + z95 * sd
	};
}
