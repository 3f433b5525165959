/**
 * The benchmark's synthetic samples: daily cumulative counters, one per series, generated from a seed so
 * that the raw COPY and our import path write exactly the same rows and every run writes the same data.
 * Everything is produced one series at a time, so no run ever holds more than one series in memory.
 */

export const firstDayMs = Date.UTC(2016, 0, 1);
const dayMs = 86_400_000;
/** The 10 years the reads ask for; a longer history (BENCH_DAYS) starts earlier, so that it still ends there. */
export const defaultDays = 3_650;

/** The first day of a series of `days` daily samples. */
function startOf(days: number): number {
	return firstDayMs - Math.max(0, days - defaultDays) * dayMs;
}
const globalSeed = 0x5eed_d0c;

/** mulberry32: tiny, fast and good enough for noise; Math.random cannot be seeded. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** `key` of series number `index`, as both the import and the read timings name it. */
export function seriesKey(index: number): string {
	return `bench/s${index}`;
}

/**
 * The values of one series: a starting count between 10 and 1,000,000 that grows every day by a noisy
 * amount around its own rate, with an occasional burst (a release, a blog post). Integers, so that
 * the CSV text round-trips exactly and counters never decrease, as the collectors expect of a counter.
 */
export function seriesValues(index: number, days: number): Float64Array {
	const random = seededRandom(globalSeed ^ Math.imul(index + 1, 0x9e3779b1));
	const values = new Float64Array(days);
	let value = Math.floor(10 ** (1 + random() * 5));
	const dailyRate = value * (0.0005 + random() * 0.003) + 1;
	for (let day = 0; day < days; day++) {
		const burst = random() < 0.02 ? 5 : 1;
		value += Math.round(dailyRate * burst * (0.5 + random()));
		values[day] = value;
	}
	return values;
}

// Formatting 10M dates is measurable work; every series shares the same days, so format them once.
const dayTextCache = new Map<number, { dates: string[]; stamps: string[] }>();

function dayTexts(days: number): { dates: string[]; stamps: string[] } {
	let texts = dayTextCache.get(days);
	if (!texts) {
		const start = startOf(days);
		const dates = Array.from({ length: days }, (_, day) => new Date(start + day * dayMs).toISOString().slice(0, 10));
		texts = { dates, stamps: dates.map((date) => `${date} 00:00:00+00`) };
		dayTextCache.set(days, texts);
	}
	return texts;
}

/** The `ts,value` file importSeriesCsv takes, with its header, as a user would upload it. */
export function importCsv(index: number, days: number): string {
	const values = seriesValues(index, days);
	const { dates } = dayTexts(days);
	const lines = new Array<string>(days + 1);
	lines[0] = 'ts,value';
	for (let day = 0; day < days; day++) lines[day + 1] = `${dates[day]},${values[day]}`;
	return lines.join('\n') + '\n';
}

/** The same samples as COPY ... (series_id, ts, value, provenance) FORMAT csv lines. */
export function copyCsv(index: number, seriesId: number, days: number): string {
	const values = seriesValues(index, days);
	const { stamps } = dayTexts(days);
	const lines = new Array<string>(days);
	for (let day = 0; day < days; day++) lines[day] = `${seriesId},${stamps[day]},${values[day]},imported`;
	return lines.join('\n') + '\n';
}

/** Samples of one series as upsertSamples takes them, for timing the write without the CSV parse. */
export function sampleInputs(index: number, days: number): { ts: Date; value: number }[] {
	const values = seriesValues(index, days);
	const start = startOf(days);
	return Array.from(values, (value, day) => ({ ts: new Date(start + day * dayMs), value }));
}

/**
 * The COPY text of series `first`..`end`-1, one series per chunk so that a stream never buffers more.
 * Series ids default to the series number + 1, for the scratch table without a foreign key.
 */
export function* copyChunks(
	range: { first?: number; end: number },
	days: number,
	options: { seriesIds?: readonly number[]; onSeries?: (done: number) => void } = {}
): Generator<string> {
	for (let index = range.first ?? 0; index < range.end; index++) {
		yield copyCsv(index, options.seriesIds?.[index] ?? index + 1, days);
		options.onSeries?.(index + 1);
	}
}
