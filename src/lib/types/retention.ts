/** What a compaction pass did (retention/compact.ts), as the health page shows it: ISO strings for instants. */
export interface CompactionReport {
	rawDays: number;
	/** Observed samples before this UTC midnight are compacted to one per UTC day. */
	cutoff: string;
	startedAt: string;
	finishedAt: string;
	/** False when the process stopped mid-pass; the next pass goes on from where it stopped. */
	isComplete: boolean;
	/** Series with samples compacted away in this pass. */
	series: number;
	/** Transactions it took (one series' next days each). */
	batches: number;
	samplesRemoved: number;
}

/** The retention setting and the last compaction pass, for the health page. */
export interface RetentionView {
	/** RAW_RETENTION_DAYS; null when compaction is off. */
	rawDays: number | null;
	cron: string;
	lastPass: CompactionReport | null;
}
