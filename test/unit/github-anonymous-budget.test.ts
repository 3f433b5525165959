import { describe, expect, it } from 'vitest';
import { countWaiting, hasAnonymousBudget, orderWaitingFirst } from '../../jobs/collectors/github/anonymous-budget.js';
import { describeBudgetWaits } from '../../jobs/health/waiting.js';

const target = (key: string, metadata: Record<string, unknown> = {}) => ({ id: key.length, key, displayName: key, metadata });

describe('the anonymous GitHub budget', () => {
	it('puts the targets that waited first, longest wait first, then the others by key', () => {
		const targets = [
			target('acme/a'),
			target('acme/b', { countersWaitingSince: '2026-11-28T11:05:00.000Z' }),
			target('acme/c'),
			target('acme/d', { countersWaitingSince: '2026-11-28T10:05:00.000Z', contributorsWaitingSince: '2026-11-20T03:15:00.000Z' })
		];
		expect(orderWaitingFirst(targets, 'github').map((t) => t.key)).toEqual(['acme/d', 'acme/b', 'acme/a', 'acme/c']);
		expect(orderWaitingFirst(targets, 'github-contributors').map((t) => t.key)).toEqual(['acme/d', 'acme/a', 'acme/b', 'acme/c']);
	});

	it('allows a request under the run\'s share while GitHub last said some budget is left', () => {
		expect(hasAnonymousBudget({ requests: 0, rateBudgetLeft: undefined }, 0, 40)).toBe(true);
		expect(hasAnonymousBudget({ requests: 12, rateBudgetLeft: 1 }, 10, 3)).toBe(true);
		expect(hasAnonymousBudget({ requests: 13, rateBudgetLeft: 30 }, 10, 3)).toBe(false);
		expect(hasAnonymousBudget({ requests: 1, rateBudgetLeft: 0 }, 0, Number.POSITIVE_INFINITY)).toBe(false);
	});

	it('counts and says how many repositories wait, per collector', () => {
		const targets = [
			target('acme/a', { countersWaitingSince: '2026-11-28T10:05:00.000Z' }),
			target('acme/b', { countersWaitingSince: '2026-11-28T10:05:00.000Z', contributorsWaitingSince: '2026-11-28T03:15:00.000Z' }),
			target('acme/c', { countersWaitingSince: null })
		];
		expect(countWaiting(targets, 'github')).toBe(2);
		expect(describeBudgetWaits(targets)).toEqual([
			'2 repositories wait for the next hour: anonymous GitHub budget',
			'1 repository waits for the next daily contributor count: anonymous GitHub budget'
		]);
		expect(describeBudgetWaits([target('acme/a')])).toEqual([]);
	});
});
