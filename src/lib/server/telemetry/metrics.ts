import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of this process (GET /metrics on the server, the worker's own port), with
 * prom-client. Each process counts what it does itself: scrape the web servers and the worker alike.
 * Names follow https://prometheus.io/docs/practices/naming/ (base units, `_total` on counters).
 *
 * The label values come from code (route ids, collector names, outcomes), never from request input,
 * so the number of series stays bounded.
 */

export const registry = new Registry();
collectDefaultMetrics({ register: registry });
// prom-client's gauges of these names end in _total, which `promtool check metrics` rejects for a
// non-counter; the same figures stay, by type, in nodejs_active_handles, _requests and _resources.
for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
	registry.removeSingleMetric(name);
}

const registers = [registry];

export const httpRequests = new Counter({
	name: 'dockpulse_http_requests_total',
	help: 'HTTP requests answered, by method, route (the SvelteKit route id) and status.',
	labelNames: ['method', 'route', 'status'] as const,
	registers
});

export const httpRequestDuration = new Histogram({
	name: 'dockpulse_http_request_duration_seconds',
	help: 'Time to the response headers, by method and route.',
	labelNames: ['method', 'route'] as const,
	buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
	registers
});

export const collectionRuns = new Counter({
	name: 'dockpulse_collection_runs_total',
	help: 'Collection runs ended, by collector and outcome (ok, partial, failed, interrupted).',
	labelNames: ['collector', 'outcome'] as const,
	registers
});

export const collectionRunDuration = new Histogram({
	name: 'dockpulse_collection_run_duration_seconds',
	help: 'Duration of collection runs, by collector.',
	labelNames: ['collector'] as const,
	buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800],
	registers
});

export const samplesWritten = new Counter({
	name: 'dockpulse_samples_written_total',
	help: 'Samples inserted or changed, by source and provenance (observed, imported, reconstructed, reference).',
	labelNames: ['source', 'provenance'] as const,
	registers
});

export const sourceRequests = new Counter({
	name: 'dockpulse_source_requests_total',
	help: 'Requests made to a source API by collection runs, by source.',
	labelNames: ['source'] as const,
	registers
});

export const sourceRateBudget = new Gauge({
	name: 'dockpulse_source_rate_limit_remaining',
	help: "Requests left in the source's rate-limit window, as its last answer reported (X-RateLimit-Remaining).",
	labelNames: ['source'] as const,
	registers
});

export const alertEvaluations = new Counter({
	name: 'dockpulse_alert_evaluations_total',
	help: 'Alert evaluations, by outcome (ok, failed).',
	labelNames: ['outcome'] as const,
	registers
});

export const alertTransitions = new Counter({
	name: 'dockpulse_alert_transitions_total',
	help: 'Alert state changes written by evaluations.',
	registers
});

export const notificationDeliveries = new Counter({
	name: 'dockpulse_notification_deliveries_total',
	help: 'Notification delivery attempts, by channel (webhook, email) and outcome (sent, retry, failed).',
	labelNames: ['channel', 'outcome'] as const,
	registers
});

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** One answered request; the route is SvelteKit's route id (null when no route matched). */
export function observeHttpRequest(method: string, routeId: string | null, status: number, seconds: number): void {
	const labels = { method: knownMethods.has(method) ? method : 'other', route: routeId ?? 'unmatched' };
	httpRequests.inc({ ...labels, status: String(status) });
	httpRequestDuration.observe(labels, seconds);
}

/** Renders every metric in the text exposition format. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
	return { contentType: registry.contentType, body: await registry.metrics() };
}
