import type { Db } from '../db/client.js';
import { listDailyValues } from '../db/queries/daily-values.js';
import type { SeriesRecord } from '../db/queries/targets.js';
import type { WindowSpec } from '../db/queries/series-points.js';
import type { AnomalyKind, AnomalyView } from '../../types/anomalies.js';
import { defaultAnomalySettings } from '../metrics/anomalies.js';
import { findAnomaliesRemembered } from '../metrics/anomaly-memo.js';

/**
 * Anomaly flags of a series read at interval=day or coarser. Days are scored on the last value of each
 * UTC day, whatever the interval; a bucket (week, month, ...) is flagged when a day inside it is, with
 * the kinds of all its flagged days. The read reaches a whole trailing window (plus the day before it)
 * before the bucket holding `from`, so the first day of the range is judged like any other. Raw
 * reads carry no anomaly flags: a day is the unit of the score.
 */

/** The series' flagged days by bucket start (epoch ms), in time order. */
export type BucketAnomalies = Map<number, AnomalyView[]>;

/** Scored: counters only; a gauge goes up and down by nature, and published figures are years apart. */
export function isAnomalyScored(series: Pick<SeriesRecord, 'kind' | 'source'>): boolean {
	return series.kind === 'counter' && series.source !== 'reference';
}

const round2 = (score: number) => Math.round(score * 100) / 100;

export async function readBucketAnomalies(db: Db, series: Pick<SeriesRecord, 'id' | 'kind' | 'source'>, spec: WindowSpec): Promise<BucketAnomalies> {
	const byBucket: BucketAnomalies = new Map();
	if (spec.interval === 'raw' || !isAnomalyScored(series)) return byBucket;
	const rows = await listDailyValues(db, series.id, { ...spec, interval: spec.interval, historyDays: defaultAnomalySettings.windowDays + 1 });
	const inRange = new Map(rows.filter((r) => r.isInRange).map((r) => [r.dayMs, r.bucketMs]));
	for (const anomaly of findAnomaliesRemembered(rows)) {
		const bucketMs = inRange.get(anomaly.dayMs);
		if (bucketMs === undefined) continue;
		const view: AnomalyView = {
			t: new Date(bucketMs).toISOString(),
			day: new Date(anomaly.dayMs).toISOString().slice(0, 10),
			kind: anomaly.kind,
			score: round2(anomaly.score)
		};
		byBucket.set(bucketMs, [...(byBucket.get(bucketMs) ?? []), view]);
	}
	return byBucket;
}

/** The kinds of a bucket's flagged days, once each, to join the point's counter flags. */
export function listAnomalyFlags(anomalies: readonly AnomalyView[] | undefined): AnomalyKind[] {
	return anomalies ? [...new Set(anomalies.map((a) => a.kind))] : [];
}
