/** How a collector's schedule and durations read on the health page. Pure, browser-safe. */

/** 3,600,000 -> "every hour", 86,400,000 -> "every day", 900,000 -> "every 15 min". */
export function formatInterval(intervalMs: number): string {
	const minutes = Math.round(intervalMs / 60_000);
	if (minutes % 1440 === 0) return minutes === 1440 ? 'every day' : `every ${minutes / 1440} days`;
	if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} h`;
	return `every ${minutes} min`;
}

/** A run's length: "850 ms", "12 s", "3 min 5 s"; "running" while it has no end. */
export function formatDuration(startedAt: string, finishedAt: string | null): string {
	if (!finishedAt) return 'running';
	const ms = Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt));
	if (ms < 1000) return `${ms} ms`;
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

const kindLabels: Record<string, string> = {
	rateLimited: 'rate limited',
	notFound: 'not found',
	http: 'HTTP error',
	invalidResponse: 'invalid response',
	timeout: 'timeout',
	network: 'network',
	crashed: 'process ended'
};

export function getFailureKindLabel(kind: string): string {
	return kindLabels[kind] ?? kind;
}
