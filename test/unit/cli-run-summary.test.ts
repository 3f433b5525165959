import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunReport } from '../../jobs/index.js';
import { printRunSummary } from '../../scripts/cli.js';

const report = (targetsWaiting?: string[]): RunReport => ({
	runId: 1,
	status: 'ok',
	targetsDone: 3,
	targetsFailed: 0,
	failures: [],
	requestsMade: 3,
	rateBudgetLeft: 0,
	changedSamples: 9,
	targetsWaiting
});

describe('a run summary on the command line', () => {
	afterEach(() => vi.restoreAllMocks());

	it('lists the targets that wait for the next run after the summary line', () => {
		const lines: string[] = [];
		vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
		printRunSummary('github', 'github', report(['acme/d', 'acme/e']), 'collected');
		expect(lines).toEqual([
			'github: ok, 3 target(s) collected, 0 failed, 3 request(s), rate budget left 0',
			'  2 target(s) wait for the next run (request budget spent): github:acme/d, github:acme/e'
		]);
		lines.length = 0;
		printRunSummary('github', 'github', report([]), 'collected');
		expect(lines).toHaveLength(1);
	});
});
