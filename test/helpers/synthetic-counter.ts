import type { AnomalyKind, DailyValue } from '../../src/lib/server/metrics/anomalies.js';

/**
 * Synthetic daily counters with planted anomalies, from a seeded generator so that every run draws the
 * same series: a rate growing linearly, optionally with a weekend dip, multiplied by log-normal noise;
 * on planted days the rate is multiplied (spike) or cut (drop) by a random factor.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function createRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

function normal(random: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface SyntheticSpec {
	seed: number;
	days: number;
	/** Deltas per day at the start, and the rate's growth per day. */
	startRate: number;
	growthPerDay: number;
	/** Standard deviation of the log-normal noise on each day's delta (0.1 = about 10%). */
	noise: number;
	/** Multiplier of Saturday's and Sunday's rate (1 = no weekly pattern). */
	weekendFactor: number;
	/** Chance that a day (after the first `quietDays`) carries a planted anomaly. */
	plantRate: number;
	quietDays: number;
}

export interface SyntheticCounter {
	days: DailyValue[];
	/** The planted anomalies by day (epoch ms). */
	planted: Map<number, AnomalyKind>;
}

const startMs = Date.UTC(2025, 0, 6);
const dayMs = 86_400_000;

/** A spike multiplies the day's rate by 2 to 5; a drop keeps 0 to 35% of it. */
function plant(random: () => number): { kind: AnomalyKind; factor: number } {
	return random() < 0.5 ? { kind: 'spike', factor: 2 + 3 * random() } : { kind: 'drop', factor: 0.35 * random() };
}

export function generateCounter(spec: SyntheticSpec): SyntheticCounter {
	const random = createRandom(spec.seed);
	const days: DailyValue[] = [{ dayMs: startMs, value: 1_000_000 }];
	const planted = new Map<number, AnomalyKind>();
	for (let i = 1; i < spec.days; i++) {
		const tMs = startMs + i * dayMs;
		const weekday = new Date(tMs).getUTCDay();
		const seasonal = weekday === 0 || weekday === 6 ? spec.weekendFactor : 1;
		let rate = (spec.startRate + spec.growthPerDay * i) * seasonal * Math.exp(spec.noise * normal(random));
		if (i > spec.quietDays && random() < spec.plantRate) {
			const planting = plant(random);
			planted.set(tMs, planting.kind);
			rate *= planting.factor;
		}
		days.push({ dayMs: tMs, value: days[i - 1]!.value + Math.round(rate) });
	}
	return { days, planted };
}

export interface DetectionFigures {
	planted: number;
	found: number;
	/** Scored days without a planted anomaly, and how many of them were flagged. */
	clean: number;
	falseFlags: number;
}

export function addFigures(a: DetectionFigures, b: DetectionFigures): DetectionFigures {
	return { planted: a.planted + b.planted, found: a.found + b.found, clean: a.clean + b.clean, falseFlags: a.falseFlags + b.falseFlags };
}
