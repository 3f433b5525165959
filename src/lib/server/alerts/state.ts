import type { AlertState, NoDataPolicy, NotificationKind } from '../../types/alerts.js';

/**
 * The life of one alert (one rule applied to one series), as a pure function of the previous state and
 * one evaluation, so that it can be tested as tables of evaluations on a fake clock, as Grafana and
 * Alertmanager test theirs.
 *
 * normal --condition--> pending --still met `pendingEvaluations` evaluations later--> firing
 * firing --condition gone--> resolved --condition again--> pending ...
 * A pending alert whose condition goes away returns to normal without a word. With
 * pendingEvaluations = 0 an alert fires on the first evaluation that meets the condition, with 2 on the
 * third in a row (as Grafana's pending period: the condition has held for two intervals).
 */

/** What an evaluation found: the condition held, did not, or the series had no data to judge. */
export type Outcome = 'met' | 'unmet' | 'noData';

export interface AlertPolicy {
	pendingEvaluations: number;
	/** Notify again while still firing, this long after the last notification; null: never again. */
	repeatIntervalMs: number | null;
	noData: NoDataPolicy;
	/** Until then, states change as usual but nothing is sent; a firing alert still unsent then is sent after. */
	snoozedUntilMs: number | null;
	/** A milestone fires once and stays fired: no repeat, no resolve. */
	isOneShot: boolean;
}

export interface AlertMemory {
	state: AlertState;
	/** Consecutive evaluations that met the condition while pending. */
	pendingCount: number;
	/** When the current firing was last notified; null when it has not been (yet). */
	notifiedAtMs: number | null;
	firingSinceMs: number | null;
}

export interface Step {
	memory: AlertMemory;
	/** The state before, when the evaluation changed it. */
	changedFrom: AlertState | null;
	notify: NotificationKind | null;
}

export const initialMemory: AlertMemory = { state: 'normal', pendingCount: 0, notifiedAtMs: null, firingSinceMs: null };

function judge(outcome: Outcome, policy: AlertPolicy): 'met' | 'unmet' | 'keep' {
	return outcome === 'noData' ? policy.noData : outcome;
}

/** The state after one evaluation, before any notification is considered. */
function nextState(memory: AlertMemory, judged: 'met' | 'unmet', policy: AlertPolicy, nowMs: number): AlertMemory {
	if (judged === 'unmet') {
		if (memory.state === 'firing' && !policy.isOneShot) return { ...initialMemory, state: 'resolved' };
		if (memory.state === 'pending') return { ...initialMemory };
		return memory;
	}
	if (memory.state === 'firing') return memory;
	const pendingCount = memory.state === 'pending' ? memory.pendingCount + 1 : 0;
	if (pendingCount >= policy.pendingEvaluations) return { state: 'firing', pendingCount: 0, notifiedAtMs: null, firingSinceMs: nowMs };
	return { ...initialMemory, state: 'pending', pendingCount };
}

function isSnoozed(policy: AlertPolicy, nowMs: number): boolean {
	return policy.snoozedUntilMs !== null && nowMs < policy.snoozedUntilMs;
}

export function stepAlert(memory: AlertMemory, outcome: Outcome, policy: AlertPolicy, nowMs: number): Step {
	const judged = judge(outcome, policy);
	const next = judged === 'keep' ? memory : nextState(memory, judged, policy, nowMs);
	const changedFrom = next.state === memory.state ? null : memory.state;
	if (isSnoozed(policy, nowMs)) return { memory: next, changedFrom, notify: null };
	if (next.state === 'resolved' && changedFrom === 'firing') {
		// A firing that was never announced (snoozed throughout) ends as quietly as it began.
		return { memory: next, changedFrom, notify: memory.notifiedAtMs === null ? null : 'resolved' };
	}
	if (next.state !== 'firing') return { memory: next, changedFrom, notify: null };
	if (next.notifiedAtMs === null) return { memory: { ...next, notifiedAtMs: nowMs }, changedFrom, notify: 'firing' };
	const isRepeatDue =
		!policy.isOneShot && policy.repeatIntervalMs !== null && nowMs - next.notifiedAtMs >= policy.repeatIntervalMs;
	return isRepeatDue ? { memory: { ...next, notifiedAtMs: nowMs }, changedFrom, notify: 'repeat' } : { memory: next, changedFrom, notify: null };
}
