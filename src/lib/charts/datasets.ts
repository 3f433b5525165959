import { isAnomalyFlag, type AnomalyView } from '../types/anomalies.js';
import type { Provenance } from '../types/samples.js';
import { findMethodSwitch, type MethodSwitch } from './method-switch.js';

/**
 * Series views -> chart.js datasets, pure (no chart.js runtime here, so tests and the table share it).
 * Provenance shows in the marks: observed points are small filled dots on a solid line; imported and
 * reconstructed ones are hollow on a dashed line; published reference figures are diamonds; flagged
 * points (counter flags, and anomaly spikes) are red triangles; a point flagged only as an anomaly
 * drop is a red triangle pointing down.
 */

export type PointProvenance = Provenance;

/** The fields of a server SeriesView that a chart needs. */
export interface ChartSeriesInput {
	series: string;
	targetName: string;
	metric: string;
	points: [string, number | null][];
	pointProvenance: PointProvenance[];
	pointFlags: string[][];
	/** The flagged days with their scores (interval=day and coarser), for the tooltip. */
	anomalies?: AnomalyView[];
}

export interface ChartPoint {
	/** Epoch ms, or days since the series' first point when aligned by age. */
	x: number;
	y: number | null;
	date: string;
	provenance: PointProvenance;
	flags: string[];
	/** The flagged days inside the point's bucket, with their scores. */
	anomalies?: AnomalyView[];
	/** A day of a forecast's projection, not a sample. */
	isProjected?: boolean;
}

export interface ChartDataset {
	label: string;
	series: string;
	data: ChartPoint[];
	borderColor: string;
	backgroundColor: string;
	pointStyle: string[];
	pointRadius: number[];
	pointBackgroundColor: string[];
	pointBorderColor: string[];
	pointRotation: number[];
	segment: { borderDash: (ctx: { p1DataIndex: number }) => number[] | undefined };
	spanGaps: boolean;
	borderWidth: number;
}

export interface DatasetOptions {
	align: boolean;
	log: boolean;
	palette: readonly string[];
	flagColor: string;
	/** Fill of hollow (estimated) markers: the chart's background. */
	hollowFill: string;
}

export interface BuiltDatasets {
	datasets: ChartDataset[];
	/** Values <= 0 left out because a log axis cannot show them. */
	hiddenForLog: number;
	provenanceSeen: PointProvenance[];
	/** Points with a counter flag (decrease, stall, jump, ...). */
	flaggedCount: number;
	/** Points with an anomaly flag (spike or drop). */
	anomalyCount: number;
	/** Series that are rebuilt before a date and observed from it, which the legend explains. */
	methodSwitches: MethodSwitch[];
}

const dayMs = 86_400_000;

export function isEstimated(provenance: PointProvenance): boolean {
	return provenance === 'imported' || provenance === 'reconstructed';
}

/** A point's marker: shape, radius, fill and outline, from its provenance and flags. */
export function selectPointMark(point: Pick<ChartPoint, 'provenance' | 'flags'>, color: string, options: Pick<DatasetOptions, 'flagColor' | 'hollowFill'>) {
	if (point.flags.length > 0) {
		const isDropOnly = point.flags.every((f) => f === 'drop');
		return { style: 'triangle', radius: 6, fill: options.flagColor, outline: options.flagColor, rotation: isDropOnly ? 180 : 0 };
	}
	if (point.provenance === 'reference') return { style: 'rectRot', radius: 5, fill: color, outline: color, rotation: 0 };
	if (isEstimated(point.provenance)) return { style: 'circle', radius: 2.5, fill: options.hollowFill, outline: color, rotation: 0 };
	return { style: 'circle', radius: 1.5, fill: color, outline: color, rotation: 0 };
}

/** The flagged days of each point's bucket, by the point's time. */
function groupAnomalies(anomalies: readonly AnomalyView[] | undefined): Map<string, AnomalyView[]> {
	const byPoint = new Map<string, AnomalyView[]>();
	for (const a of anomalies ?? []) byPoint.set(a.t, [...(byPoint.get(a.t) ?? []), a]);
	return byPoint;
}

/**
 * chart.js's date-fns adapter places and labels ticks in the browser's time zone, while every bucket is
 * a UTC period. Moving each instant by its own zone offset (DST included) makes the local-time labels
 * read the UTC date, so a month bucket sits on its own month's tick in every zone.
 */
export function shiftUtcToLocalLabels(utcMs: number): number {
	const u = new Date(utcMs);
	// The local wall-clock time with the UTC fields; a time skipped by a DST jump resolves forward.
	const local = new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate(), u.getUTCHours(), u.getUTCMinutes(), u.getUTCSeconds(), u.getUTCMilliseconds());
	return local.getTime();
}

/** x of each point: its time, or whole days since the first point when series are aligned by age. */
export function computeXValues(points: readonly [string, number | null][], align: boolean): number[] {
	const times = points.map(([t]) => Date.parse(t));
	if (!align) return times.map(shiftUtcToLocalLabels);
	if (times.length === 0) return times;
	const start = times[0]!;
	return times.map((t) => Math.round((t - start) / dayMs));
}

export function buildDataset(input: ChartSeriesInput, color: string, options: DatasetOptions): { dataset: ChartDataset; hiddenForLog: number } {
	const xs = computeXValues(input.points, options.align);
	let hiddenForLog = 0;
	const anomalies = groupAnomalies(input.anomalies);
	const data: ChartPoint[] = input.points.map(([date, value], i) => {
		let y = value;
		if (options.log && y !== null && y <= 0) {
			y = null;
			hiddenForLog++;
		}
		const point: ChartPoint = { x: xs[i]!, y, date, provenance: input.pointProvenance[i] ?? 'observed', flags: input.pointFlags[i] ?? [] };
		const inBucket = anomalies.get(date);
		if (inBucket) point.anomalies = inBucket;
		return point;
	});
	const marks = data.map((p) => selectPointMark(p, color, options));
	const dataset: ChartDataset = {
		label: `${input.targetName} · ${input.metric}`,
		series: input.series,
		data,
		borderColor: color,
		backgroundColor: color,
		pointStyle: marks.map((m) => m.style),
		pointRadius: marks.map((m) => m.radius),
		pointBackgroundColor: marks.map((m) => m.fill),
		pointBorderColor: marks.map((m) => m.outline),
		pointRotation: marks.map((m) => m.rotation),
		// A segment is dashed when it leads to an estimated point: the line there is not what we saw.
		segment: { borderDash: (ctx) => (isEstimated(data[ctx.p1DataIndex]?.provenance ?? 'observed') ? [6, 4] : undefined) },
		spanGaps: false,
		borderWidth: 2
	};
	return { dataset, hiddenForLog };
}

export function buildChartDatasets(inputs: readonly ChartSeriesInput[], options: DatasetOptions): BuiltDatasets {
	const datasets: ChartDataset[] = [];
	const seen = new Set<PointProvenance>();
	let hiddenForLog = 0;
	let flaggedCount = 0;
	let anomalyCount = 0;
	const methodSwitches: MethodSwitch[] = [];
	inputs.forEach((input, i) => {
		const color = options.palette[i % options.palette.length]!;
		const built = buildDataset(input, color, options);
		datasets.push(built.dataset);
		hiddenForLog += built.hiddenForLog;
		for (const p of built.dataset.data) {
			seen.add(p.provenance);
			if (p.flags.some((f) => !isAnomalyFlag(f))) flaggedCount++;
			if (p.flags.some(isAnomalyFlag)) anomalyCount++;
		}
		const methodSwitch = findMethodSwitch(input, built.dataset.label);
		if (methodSwitch) methodSwitches.push(methodSwitch);
	});
	return { datasets, hiddenForLog, provenanceSeen: [...seen], flaggedCount, anomalyCount, methodSwitches };
}

/** How many points each dataset draws (non-null), for the page's data attribute and tests. */
export function countDrawnPoints(datasets: readonly ChartDataset[]): number[] {
	return datasets.map((d) => d.data.filter((p) => p.y !== null).length);
}
