import { Gauge } from 'prom-client';
import type { Db } from '../../src/lib/server/db/client.js';
import { scrapeErrors } from '../../src/lib/server/telemetry/database.js';
import { registry } from '../../src/lib/server/telemetry/metrics.js';
import { listBackfillProgress } from './backfill.js';

/** The backfill table of the health page as a gauge, read at each scrape. */

let watched: Db | undefined;
const parts = ['stars', 'releases', 'contributors'] as const;

new Gauge({
	name: 'dockpulse_backfill_targets',
	help: 'Targets by history backfill part (stars, releases, contributors) and state (done, running, not_started).',
	labelNames: ['part', 'state'] as const,
	registers: [registry],
	async collect() {
		if (!watched) return;
		try {
			const progress = await listBackfillProgress(watched);
			for (const part of parts) {
				const counts = { done: 0, running: 0, not_started: 0 };
				for (const target of progress) {
					const state = target[part];
					counts[state === null ? 'not_started' : state.isDone ? 'done' : 'running']++;
				}
				for (const [state, count] of Object.entries(counts)) this.set({ part, state }, count);
			}
		} catch {
			scrapeErrors.inc();
		}
	}
});

/** The store whose backfills the gauge reads. */
export function watchBackfills(db: Db | undefined): void {
	watched = db;
}
