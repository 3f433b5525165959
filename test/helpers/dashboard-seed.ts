import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { parseSeriesRef } from '../../src/lib/refs.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { upsertEvents } from '../../src/lib/server/db/queries/events.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { importSeriesCsv } from '../../src/lib/server/import/import-csv.js';

/**
 * Known data for the browser tests: two real recorded histories (imported) and one synthetic target
 * observed daily up to today, whose every value the tests can compute. The reference dataset is added
 * by the server itself at start.
 */

const dayMs = 86_400_000;

export const seededImports = {
	'github:moby/moby:stars': 'test/fixtures/realworld/github-moby-moby-stars.csv',
	'dockerhub:falcosecurity/falco:pulls': 'test/fixtures/realworld/dockerhub-falcosecurity-falco-pulls.csv'
} as const;

/**
 * github:e2e/growing: `stars` = 1,000 + 10 x day over the last 400 days (today's UTC midnight last),
 * but for one day 100 days before the last, 15 lower: a real decrease, which the writes flag as such
 * (a flag set by hand would not survive a recomputation).
 */
const flaggedDayIndex = 299;
export const growing = {
	target: 'github:e2e/growing',
	series: 'github:e2e/growing:stars',
	days: 400,
	valueOn: (dayIndex: number) => 1_000 + 10 * dayIndex - (dayIndex === flaggedDayIndex ? 15 : 0),
	/** The day whose sample is flagged as a counter decrease. */
	flaggedDayIndex,
	releaseDayIndex: 200,
	releaseLabel: 'v2.0.0'
};

export function utcMidnight(ms: number): number {
	return Math.floor(ms / dayMs) * dayMs;
}

/** Day i of the growing series, in epoch ms: day 0 is `days - 1` days before today. */
export function growingDayMs(dayIndex: number, nowMs = Date.now()): number {
	return utcMidnight(nowMs) - (growing.days - 1 - dayIndex) * dayMs;
}

export async function seedDashboard(database: Database, nowMs = Date.now()): Promise<void> {
	for (const [series, file] of Object.entries(seededImports)) {
		const ref = parseSeriesRef(series);
		if (!ref.ok) throw new Error(ref.message);
		const result = await importSeriesCsv(database, ref.value, readFileSync(file, 'utf8'));
		if (!result.ok) throw new Error(`seeding ${series}: ${JSON.stringify(result.problems)}`);
	}
	const db = database.db;
	const targetId = await upsertTarget(db, { source: 'github', key: 'e2e/growing', displayName: 'Growing (test)' });
	const seriesId = await upsertSeries(db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
	const samples = Array.from({ length: growing.days }, (_, i) => ({ ts: new Date(growingDayMs(i, nowMs)), value: growing.valueOn(i) }));
	await upsertSamples(db, seriesId, 'observed', samples);
	await db.execute(sql`update targets set last_collected_at = now(), status = 'ok' where id = ${targetId}`);
	await upsertEvents(db, targetId, [
		{ ts: new Date(growingDayMs(growing.releaseDayIndex, nowMs)), kind: 'release', label: growing.releaseLabel, url: 'https://github.com/e2e/growing/releases/tag/v2.0.0' }
	]);
}
