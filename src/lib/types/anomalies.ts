/** Anomaly flags as /api/series, the explorer and the charts share them (scored in lib/server/metrics/anomalies.ts). */

export const anomalyKinds = ['spike', 'drop'] as const;
export type AnomalyKind = (typeof anomalyKinds)[number];

/** One flagged day of a series read at interval=day or coarser. */
export interface AnomalyView {
	/** The point (bucket) the day belongs to: equal to a point's time. */
	t: string;
	/** The flagged UTC day, YYYY-MM-DD. */
	day: string;
	kind: AnomalyKind;
	/** Robust z-score, rounded to 2 decimals: positive for a spike, negative for a drop. */
	score: number;
}

export const isAnomalyFlag = (flag: string): flag is AnomalyKind => (anomalyKinds as readonly string[]).includes(flag);

/** The defaults of the scoring (metrics/anomalies.ts explains them), here so the chart's note can name them. */
export const anomalyWindowDays = 56;
export const anomalyThreshold = 3.5;
