import { describe, expect, it } from 'vitest';
import { initialMemory, stepAlert, type AlertPolicy, type Outcome } from '../../src/lib/server/alerts/state.js';

const minute = 60_000;
const basePolicy: AlertPolicy = { pendingEvaluations: 2, repeatIntervalMs: 60 * minute, noData: 'keep', snoozedUntilMs: null, isOneShot: false };

/** Runs evaluations one minute apart (or at the given minutes) and lists "state/notification" per step. */
function run(outcomes: (Outcome | [minuteAt: number, Outcome])[], policy: Partial<AlertPolicy> = {}): string[] {
	let memory = initialMemory;
	return outcomes.map((entry, i) => {
		const [at, outcome] = Array.isArray(entry) ? entry : [i, entry];
		const step = stepAlert(memory, outcome, { ...basePolicy, ...policy }, at * minute);
		memory = step.memory;
		return step.notify ? `${step.memory.state}/${step.notify}` : step.memory.state;
	});
}

describe('the alert state machine', () => {
	it.each([
		['fires after the condition holds for the pending evaluations, then resolves', ['met', 'met', 'met', 'met', 'unmet', 'unmet'], {}, ['pending', 'pending', 'firing/firing', 'firing', 'resolved/resolved', 'resolved']],
		['goes back to normal silently when the condition stops while pending', ['met', 'met', 'unmet', 'met'], {}, ['pending', 'pending', 'normal', 'pending']],
		['fires at once without a pending period', ['unmet', 'met', 'unmet'], { pendingEvaluations: 0 }, ['normal', 'firing/firing', 'resolved/resolved']],
		['fires again after a resolve, through pending', ['met', 'unmet', 'met', 'met'], { pendingEvaluations: 1 }, ['pending', 'normal', 'pending', 'firing/firing']],
		['keeps its state on no data by default', ['met', 'noData', 'noData', 'unmet'], { pendingEvaluations: 0 }, ['firing/firing', 'firing', 'firing', 'resolved/resolved']],
		['counts no data as unmet when told to', ['met', 'noData'], { pendingEvaluations: 0, noData: 'unmet' }, ['firing/firing', 'resolved/resolved']],
		['counts no data as met when told to (alert on missing data)', ['noData', 'noData'], { pendingEvaluations: 1, noData: 'met' }, ['pending', 'firing/firing']],
		['fires a milestone once and never resolves or repeats it', [[0, 'met'], [90, 'met'], [200, 'unmet'], [300, 'met']], { pendingEvaluations: 0, isOneShot: true }, ['firing/firing', 'firing', 'firing', 'firing']]
	] as const)('%s', (_, outcomes, policy, expected) => {
		expect(run([...outcomes] as Outcome[], policy)).toEqual(expected);
	});

	it('repeats a still-firing alert once per repeat interval, counted from the last notification', () => {
		const at: [number, Outcome][] = [[0, 'met'], [30, 'met'], [60, 'met'], [100, 'met'], [120, 'met'], [121, 'unmet']];
		expect(run(at, { pendingEvaluations: 0 })).toEqual(['firing/firing', 'firing', 'firing/repeat', 'firing', 'firing/repeat', 'resolved/resolved']);
		expect(run(at, { pendingEvaluations: 0, repeatIntervalMs: null })).toEqual(['firing/firing', 'firing', 'firing', 'firing', 'firing', 'resolved/resolved']);
	});

	it('changes state but sends nothing while snoozed, and announces a firing still going when the snooze ends', () => {
		const snoozed = { pendingEvaluations: 0, snoozedUntilMs: 50 * minute };
		expect(run([[0, 'met'], [40, 'met'], [50, 'met'], [60, 'unmet']], snoozed)).toEqual(['firing', 'firing', 'firing/firing', 'resolved/resolved']);
		// Fired and resolved within the snooze: nothing at all is sent.
		expect(run([[0, 'met'], [10, 'unmet'], [60, 'unmet']], snoozed)).toEqual(['firing', 'resolved', 'resolved']);
	});

	it('reports the state it changed from, only when it changed', () => {
		const first = stepAlert(initialMemory, 'met', { ...basePolicy, pendingEvaluations: 0 }, 0);
		expect(first.changedFrom).toBe('normal');
		expect(stepAlert(first.memory, 'met', basePolicy, minute).changedFrom).toBeNull();
		expect(first.memory.firingSinceMs).toBe(0);
	});
});
