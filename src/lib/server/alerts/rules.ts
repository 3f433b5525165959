import { z } from 'zod';
import { anomalyDirections, comparisons, webhookFormats, type Comparison, type NotificationChannels, type RuleCondition } from '../../types/alerts.js';
import { anomalyThreshold } from '../../types/anomalies.js';

export type { NotificationChannels, RuleCondition } from '../../types/alerts.js';

/**
 * What an alert rule watches and when it is met. A rule applies to a set of series named like an
 * export's: one series (`github:moby/moby:stars`), every series of a metric (`*:*:pulls`) or of a
 * group of targets (`dockerhub:library/*:pulls`); each matching series gets an alert of its own.
 */

export const ruleCondition = z.discriminatedUnion('kind', [
	// The latest value is above (or below) a value.
	z.object({ kind: z.literal('threshold'), op: z.enum(comparisons), value: z.number().finite() }).strict(),
	/**
	 * Growth over the last `windowDays`, ending at the latest sample: against the value `windowDays`
	 * before ("ago": +25% in 7 days), or the change in the window against the change in the window
	 * before it ("previous": this week's new stars 25% above last week's). Below `minBase` (the value, or
	 * the previous change) a percentage says little, and the alert has no data instead.
	 */
	z
		.object({
			kind: z.literal('growth'),
			windowDays: z.number().int().min(1).max(3650),
			compare: z.enum(['ago', 'previous']),
			op: z.enum(comparisons),
			percent: z.number().finite(),
			minBase: z.number().finite().min(0).default(0)
		})
		.strict(),
	// A cumulative counter reaches a value: fires once.
	z.object({ kind: z.literal('milestone'), value: z.number().finite() }).strict(),
	/**
	 * The forecast (GET /api/forecast's) expects a counter to reach a value within `withinDays` days,
	 * or it has already: fires once, a heads-up before the milestone. At most the forecast's horizon.
	 */
	z.object({ kind: z.literal('eta'), value: z.number().finite(), withinDays: z.number().int().min(1).max(1095) }).strict(),
	// No new sample for longer than maxAgeHours.
	z.object({ kind: z.literal('stale'), maxAgeHours: z.number().positive().max(24 * 3650) }).strict(),
	/**
	 * The latest complete UTC day of a counter is an anomaly (metrics/anomalies.ts): its robust score
	 * is at least minScore (a spike) or at most -minScore (a drop). A minScore below the flags'
	 * threshold fires on days the charts do not mark; that is the owner's choice.
	 */
	z
		.object({
			kind: z.literal('anomaly'),
			direction: z.enum(anomalyDirections, { error: `expected one of ${anomalyDirections.join(', ')}` }).default('both'),
			minScore: z.number().finite().min(1, 'expected a score of at least 1').max(1000).default(anomalyThreshold)
		})
		.strict()
]) satisfies z.ZodType<RuleCondition>;

/** Where a rule's notifications go. Webhook URLs are checked against private addresses when sent. */
export const notificationChannels = z
	.object({
		webhooks: z
			.array(z.object({ url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000), format: z.enum(webhookFormats).default('json') }).strict())
			.max(10)
			.default([]),
		emails: z.array(z.email('expected an e-mail address').max(320)).max(20).default([])
	})
	.strict() satisfies z.ZodType<NotificationChannels>;

/** A series' samples as one evaluation needs them; times in epoch ms. */
export interface Probe {
	latest: { tMs: number; value: number } | undefined;
	/** The sample on or before latest - windowDays (growth rules only). */
	windowStart: { tMs: number; value: number } | undefined;
	/** The sample on or before latest - 2 x windowDays ("previous" growth only). */
	previousStart: { tMs: number; value: number } | undefined;
	/** eta rules only: alerts/eta.ts's computeExpectedInDays (undefined: the series cannot be forecast). */
	expectedInDays?: number | null;
	/** The robust score of the latest complete UTC day (anomaly rules only); undefined when it is not scored. */
	latestDayScore?: number;
}

export interface Judgement {
	outcome: 'met' | 'unmet' | 'noData';
	/** The number the condition was judged on (the value, the percent, the age in hours). */
	value: number | null;
}

const compare = (op: Comparison, value: number, limit: number) => (op === 'above' ? value > limit : value < limit);

function judgeGrowth(condition: Extract<RuleCondition, { kind: 'growth' }>, probe: Probe): Judgement {
	const { latest, windowStart, previousStart } = probe;
	if (!latest || !windowStart) return { outcome: 'noData', value: null };
	let base: number;
	let change: number;
	if (condition.compare === 'ago') {
		base = windowStart.value;
		change = latest.value - windowStart.value;
	} else {
		if (!previousStart) return { outcome: 'noData', value: null };
		base = windowStart.value - previousStart.value;
		change = latest.value - windowStart.value - base;
	}
	if (base <= 0 || base < condition.minBase) return { outcome: 'noData', value: null };
	const percent = (change * 100) / base;
	return { outcome: compare(condition.op, percent, condition.percent) ? 'met' : 'unmet', value: percent };
}

/** A milestone, reached or expected, is news once: its alert fires once and stays fired. */
export const isOneShotCondition = (condition: RuleCondition) => condition.kind === 'milestone' || condition.kind === 'eta';
function judgeAnomaly(condition: Extract<RuleCondition, { kind: 'anomaly' }>, score: number | undefined): Judgement {
	if (score === undefined) return { outcome: 'noData', value: null };
	const isSpike = score >= condition.minScore;
	const isDrop = score <= -condition.minScore;
	const isMet = condition.direction === 'spike' ? isSpike : condition.direction === 'drop' ? isDrop : isSpike || isDrop;
	return { outcome: isMet ? 'met' : 'unmet', value: score };
}

/** Judges one series against a rule's condition at `nowMs`. */
export function judgeCondition(condition: RuleCondition, probe: Probe, nowMs: number): Judgement {
	const { latest } = probe;
	switch (condition.kind) {
		case 'threshold':
			if (!latest) return { outcome: 'noData', value: null };
			return { outcome: compare(condition.op, latest.value, condition.value) ? 'met' : 'unmet', value: latest.value };
		case 'milestone':
			if (!latest) return { outcome: 'noData', value: null };
			return { outcome: latest.value >= condition.value ? 'met' : 'unmet', value: latest.value };
		case 'eta':
			if (!latest || probe.expectedInDays === undefined) return { outcome: 'noData', value: null };
			if (probe.expectedInDays === null) return { outcome: 'unmet', value: null };
			return { outcome: probe.expectedInDays <= condition.withinDays ? 'met' : 'unmet', value: probe.expectedInDays };
		case 'stale': {
			// A series with no sample at all is as stale as can be: that is what this rule is for.
			const ageHours = latest ? (nowMs - latest.tMs) / 3_600_000 : null;
			return { outcome: ageHours === null || ageHours > condition.maxAgeHours ? 'met' : 'unmet', value: ageHours };
		}
		case 'growth':
			return judgeGrowth(condition, probe);
		case 'anomaly':
			return judgeAnomaly(condition, probe.latestDayScore);
	}
}
