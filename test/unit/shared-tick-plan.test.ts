import { describe, expect, it } from 'vitest';
import { groupByNamespace } from '../../jobs/collectors/dockerhub/collect.js';
import { planBatches } from '../../jobs/collectors/shared-tick.js';

const target = (id: number, key: string) => ({ id, key, displayName: key, metadata: {} });

describe('planning a shared tick', () => {
	it('packs targets into batches of the configured size, in order, the last one shorter', () => {
		const groups = Array.from({ length: 7 }, (_, i) => [i + 1]);
		expect(planBatches(groups, 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
	});

	it('keeps a group whole: a group larger than the size is a batch of its own, and never shares one that would overflow', () => {
		expect(planBatches([[1], [2, 3, 4, 5], [6], [7, 8]], 3)).toEqual([[1], [2, 3, 4, 5], [6, 7, 8]]);
	});

	it('plans no batch for no target', () => {
		expect(planBatches([], 50)).toEqual([]);
	});

	it('puts a Docker Hub namespace with its tracked images, and every other image alone', () => {
		const targets = [target(1, 'bitnami'), target(2, 'bitnami/redis'), target(3, 'library/nginx'), target(4, 'bitnami/postgresql'), target(5, 'bitnamix/app')];
		expect(groupByNamespace(targets)).toEqual([[1, 2, 4], [3], [5]]);
	});
});
