import { Counter, Gauge } from 'prom-client';
import type { Database } from '../db/client.js';
import { countPendingDeliveries, type DeliveryTable } from '../db/queries/deliveries.js';
import { registry } from './metrics.js';

/**
 * Gauges read when /metrics is scraped: the pg pool's connections and the outboxes' depths. A
 * scrape that cannot reach the database keeps the last value and counts the failure, rather than
 * failing the whole scrape (the process metrics still matter then).
 */

let watched: Database | undefined;

export const scrapeErrors = new Counter({
	name: 'dockpulse_metrics_scrape_errors_total',
	help: 'Database-backed gauges that could not be read at a scrape (they kept their last value).',
	registers: [registry]
});

// Registered when created; prom-client calls collect() at each scrape.
new Gauge({
	name: 'dockpulse_db_pool_connections',
	help: 'PostgreSQL pool connections by state (total, idle, waiting clients); absent on the embedded database.',
	labelNames: ['state'] as const,
	registers: [registry],
	collect() {
		const pool = watched?.pool;
		if (!pool) return;
		this.set({ state: 'total' }, pool.totalCount);
		this.set({ state: 'idle' }, pool.idleCount);
		this.set({ state: 'waiting' }, pool.waitingCount);
	}
});

/** An outbox's depth: its deliveries waiting for an attempt. */
function registerOutboxGauge(name: string, help: string, table: DeliveryTable): void {
	new Gauge({
		name,
		help,
		registers: [registry],
		async collect() {
			if (!watched) return;
			try {
				this.set(await countPendingDeliveries(watched.db, table));
			} catch {
				scrapeErrors.inc();
			}
		}
	});
}

registerOutboxGauge('dockpulse_alert_outbox_pending', 'Alert notifications waiting to be delivered (first attempts and retries).', 'alert_deliveries');
registerOutboxGauge('dockpulse_report_outbox_pending', 'Scheduled report sends waiting to be delivered (first attempts and retries).', 'report_deliveries');

/** The store the gauges read; one per process (the server's or the worker's). */
export function watchDatabase(database: Database): void {
	watched = database;
}

/** Stops reading a closed store (its gauges then keep their last values). */
export function unwatchDatabase(database: Database): void {
	if (watched === database) watched = undefined;
}

