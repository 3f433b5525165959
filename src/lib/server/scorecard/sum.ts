import { computeGrowth, type Growth, type ValueAt } from '../metrics/growth.js';

/**
 * A measure's values at both ends of a period, summed over its series (one series is a sum of one).
 * Pure. Each series counts with the same rule as a growth report's row (report/rows.ts): its value on
 * or before the end, against its value on or before the start, or its first value inside the period
 * when it has none before. A series with no value in the period is left out of both ends, so that the
 * sum compares like with like; the caller says how many were left out.
 */

export interface MemberSamples {
	series: string;
	atStart: ValueAt | undefined;
	atEnd: ValueAt | undefined;
	firstFromStart: ValueAt | undefined;
	atPreviousStart: ValueAt | undefined;
}

export interface SummedEnd {
	value: number;
	/** The newest and oldest sample dates summed: for one series, the same date. */
	ts: Date;
	oldestTs: Date;
}

export interface SumGrowth {
	counted: string[];
	left: string[];
	start: SummedEnd;
	end: SummedEnd;
	/** null when both ends are the same samples: one value in the period is a level, not 0% growth. */
	growth: Growth | null;
	previousPercent: number | null;
	isBaseFirstInPeriod: boolean;
}

interface Counted {
	member: MemberSamples;
	base: ValueAt;
	end: ValueAt;
}

function countMember(member: MemberSamples, periodStart: Date): Counted | undefined {
	const base = member.atStart ?? member.firstFromStart;
	const end = member.atEnd;
	if (!base || !end || end.ts < periodStart || end.ts < base.ts) return undefined;
	return { member, base, end };
}

function sumEnds(values: readonly ValueAt[]): SummedEnd {
	const times = values.map((v) => v.ts.getTime());
	return { value: values.reduce((sum, v) => sum + v.value, 0), ts: new Date(Math.max(...times)), oldestTs: new Date(Math.min(...times)) };
}

/** The period before, for the series that have values at both of its ends; null on none or a zero base. */
function computePreviousPercent(members: readonly MemberSamples[]): number | null {
	const both = members.filter((m) => m.atPreviousStart && m.atStart);
	if (both.length === 0) return null;
	const before = sumEnds(both.map((m) => m.atPreviousStart!));
	const after = sumEnds(both.map((m) => m.atStart!));
	return computeGrowth(before, after).percent;
}

export function computeSumGrowth(members: readonly MemberSamples[], periodStart: Date): SumGrowth | undefined {
	const counted = members.map((m) => countMember(m, periodStart)).filter((c) => c !== undefined);
	if (counted.length === 0) return undefined;
	const start = sumEnds(counted.map((c) => c.base));
	const end = sumEnds(counted.map((c) => c.end));
	const isLevel = counted.every((c) => c.base.ts.getTime() === c.end.ts.getTime());
	const countedNames = new Set(counted.map((c) => c.member.series));
	return {
		counted: [...countedNames],
		left: members.map((m) => m.series).filter((s) => !countedNames.has(s)),
		start,
		end,
		growth: isLevel ? null : computeGrowth(start, end),
		previousPercent: computePreviousPercent(counted.map((c) => c.member)),
		isBaseFirstInPeriod: counted.some((c) => c.member.atStart === undefined)
	};
}
