/**
 * Axis ticks for the report bundle's SVG chart (chart-svg.ts): round values (1, 2 or 5 x 10^k, or powers
 * of ten on a log axis) and calendar dates (whole years, months or days, in UTC), so that a figure read
 * off the chart lines up with a labelled tick.
 */

export interface Tick {
	at: number;
	label: string;
}

const maxTicks = 6;

/** The smallest 1, 2 or 5 x 10^k step that cuts `span` into at most `maxTicks` parts. */
function chooseStep(span: number): number {
	const rough = span / maxTicks;
	const power = 10 ** Math.floor(Math.log10(rough));
	return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough)!;
}

/**
 * The value axis' range and ticks. A log axis spans whole powers of ten around the data; a linear one
 * round steps from below the minimum (or 0 for data that is all positive and starts near it).
 */
export function computeValueAxis(min: number, max: number, isLog: boolean, format: (value: number) => string): { min: number; max: number; ticks: Tick[] } {
	if (isLog) {
		const low = Math.floor(Math.log10(min));
		const span = Math.max(1, Math.ceil(Math.log10(max)) - low);
		const every = Math.ceil(span / maxTicks);
		// The top of the axis on a tick: 100, 10K, 1M, 100M, 10B rather than an unlabelled 1B.
		const high = low + Math.ceil(span / every) * every;
		const ticks: Tick[] = [];
		for (let p = low; p <= high; p += every) ticks.push({ at: 10 ** p, label: format(10 ** p) });
		return { min: 10 ** low, max: 10 ** high, ticks };
	}
	const span = max - min || Math.abs(max) || 1;
	const step = chooseStep(span);
	const low = Math.floor((min === max ? min - span / 2 : min) / step) * step;
	const high = Math.ceil((min === max ? max + span / 2 : max) / step) * step;
	const ticks: Tick[] = [];
	// Counted in steps rather than summed, so that 0.1 + 0.2 never drifts past `high`.
	for (let i = 0; low + i * step <= high + step / 1e9; i++) ticks.push({ at: low + i * step, label: format(low + i * step) });
	return { min: low, max: high, ticks };
}

const dayMs = 86_400_000;

function stepsOf(startMs: number, endMs: number, unitMs: number, steps: readonly number[]): number {
	return steps.find((step) => (endMs - startMs) / (step * unitMs) <= maxTicks) ?? steps.at(-1)!;
}

/** Ticks on whole UTC years, months or days between two instants, labelled 2015, 2015-06 or 2015-06-22. */
export function computeTimeTicks(startMs: number, endMs: number): Tick[] {
	const spanDays = (endMs - startMs) / dayMs;
	const start = new Date(startMs);
	const ticks: Tick[] = [];
	if (spanDays >= 3 * 365) {
		const every = stepsOf(startMs, endMs, 365.25 * dayMs, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]);
		const first = Math.ceil(start.getUTCFullYear() / every) * every;
		for (let year = first; Date.UTC(year, 0, 1) <= endMs; year += every) {
			const at = Date.UTC(year, 0, 1);
			if (at >= startMs) ticks.push({ at, label: String(year) });
		}
	} else if (spanDays >= 60) {
		const every = stepsOf(startMs, endMs, 30.44 * dayMs, [1, 2, 3, 6, 12]);
		const firstMonth = start.getUTCFullYear() * 12 + start.getUTCMonth() + 1;
		for (let month = Math.ceil(firstMonth / every) * every; Date.UTC(Math.floor(month / 12), month % 12, 1) <= endMs; month += every) {
			const at = Date.UTC(Math.floor(month / 12), month % 12, 1);
			if (at >= startMs) ticks.push({ at, label: new Date(at).toISOString().slice(0, 7) });
		}
	} else {
		const every = stepsOf(startMs, endMs, dayMs, [1, 2, 5, 7, 14, 30]);
		for (let at = Math.ceil(startMs / dayMs) * dayMs; at <= endMs; at += every * dayMs) ticks.push({ at, label: new Date(at).toISOString().slice(0, 10) });
	}
	return ticks;
}
