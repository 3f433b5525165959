import { createHash } from 'node:crypto';
import { defaultAnomalySettings, findAnomalies, type DailyValue, type DayAnomaly } from './anomalies.js';

/**
 * findAnomalies with the default settings, remembered by the content of the days it scored. Scoring a
 * ten-year counter takes tens of milliseconds of CPU (a dozen medians per day), against a fraction of
 * a millisecond to hash its days; and the same days are scored again and again (every view of a chart,
 * every interval and window of the same series). Keyed by the days themselves, not by a data version:
 * an answer is a pure function of them, so it can never be stale, and a write to another series (or a
 * lease renewal) does not throw it away. A series whose days changed hashes to a new key.
 */

// About 200 bytes an entry for a typical handful of anomalies: a few hundred KB at most.
const maxEntries = 2_000;
const remembered = new Map<string, readonly DayAnomaly[]>();

function hashDays(days: readonly DailyValue[]): string {
	const numbers = new Float64Array(days.length * 2);
	days.forEach((day, i) => {
		numbers[2 * i] = day.dayMs;
		numbers[2 * i + 1] = day.value;
	});
	return createHash('sha256').update(numbers).digest('base64url');
}

export function findAnomaliesRemembered(days: readonly DailyValue[]): readonly DayAnomaly[] {
	// Too short to score a single day: nothing worth remembering.
	if (days.length <= defaultAnomalySettings.minWindowDeltas) return findAnomalies(days);
	const key = hashDays(days);
	const kept = remembered.get(key);
	if (kept) {
		// Map order is recency: taken out and put back as the most recently used.
		remembered.delete(key);
		remembered.set(key, kept);
		return kept;
	}
	const anomalies = findAnomalies(days);
	remembered.set(key, anomalies);
	for (const oldest of remembered.keys()) {
		if (remembered.size <= maxEntries) break;
		remembered.delete(oldest);
	}
	return anomalies;
}
