import type { Db } from '../../src/lib/server/db/client.js';
import { markTargetsObserved } from '../../src/lib/server/db/queries/observations.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { Provenance } from '../../src/lib/server/db/schema/index.js';
import type { Source } from '../../src/lib/refs.js';

/**
 * A store with Docker Hub images and GitHub repositories that name each other (metadata as the
 * collectors write it), for the links endpoint, the derived series and the targets page.
 * acme/app's pulls over its repository's stars, raw: 100, 150, 120, 100 (see the test for why).
 */

interface SeededTarget {
	source: Source;
	key: string;
	displayName: string;
	metadata?: Record<string, unknown>;
	series?: Record<string, [string, number][]>;
}

export const linkedPairTargets: SeededTarget[] = [
	{
		source: 'dockerhub',
		key: 'acme/app',
		displayName: 'acme/app',
		metadata: { githubRepositories: ['acme/app'] },
		series: {
			pulls: [
				['2026-01-01T00:00:00Z', 1000],
				['2026-01-02T00:00:00Z', 1500],
				['2026-01-03T00:00:00Z', 2400],
				['2026-01-04T00:00:00Z', 3000]
			]
		}
	},
	{
		source: 'github',
		key: 'Acme/App',
		displayName: 'Acme App',
		series: {
			stars: [
				['2025-12-31T12:00:00Z', 10],
				['2026-01-02T06:00:00Z', 20],
				['2026-01-04T00:00:00Z', 30]
			],
			contributors: [
				['2026-01-02T00:00:00Z', 0],
				['2026-01-04T00:00:00Z', 5]
			]
		}
	},
	{ source: 'dockerhub', key: 'acme/other', displayName: 'acme/other', series: { pulls: [['2026-01-04T00:00:00Z', 700]] } },
	{ source: 'github', key: 'acme/lib', displayName: 'acme/lib', metadata: { dockerhubImages: ['acme/other'] }, series: { stars: [['2026-01-01T00:00:00Z', 7]] } },
	{ source: 'dockerhub', key: 'acme', displayName: 'acme (namespace)' }
];

export async function seedLinkedPair(db: Db, provenance: Provenance = 'imported'): Promise<void> {
	for (const target of linkedPairTargets) {
		const targetId = await upsertTarget(db, target);
		for (const [metric, samples] of Object.entries(target.series ?? {})) {
			const seriesId = await upsertSeries(db, targetId, { metric, unit: metric, kind: 'counter' });
			await upsertSamples(db, seriesId, provenance, samples.map(([iso, value]) => ({ ts: new Date(iso), value })));
		}
		if (target.metadata) await markTargetsObserved(db, [{ targetId, at: new Date('2026-01-04T00:00:00Z'), metadata: target.metadata }]);
	}
}
