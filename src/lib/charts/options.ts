import { formatCount, formatDate, formatExact, formatPercent } from '../format.js';
import { shiftUtcToLocalLabels, type ChartPoint } from './datasets.js';

/**
 * chart.js options for a time-series line chart, pure: axis and tooltip texts come from the shared
 * formatters, colours from the theme the caller read from CSS. Types are loose on purpose: the
 * annotation and zoom plugins extend chart.js's option types only where they are imported.
 */

export interface ChartTheme {
	fg: string;
	muted: string;
	grid: string;
	surface: string;
	accent: string;
	bad: string;
	warn: string;
	palette: string[];
}

export interface ChartEvent {
	id: number;
	ts: string;
	kind: 'release' | 'manual';
	label: string;
}

export interface LineOptionsInput {
	log: boolean;
	align: boolean;
	/** growth, yoy and share values are percentages; everything else is a count. */
	transform: ChartTransform;
	events: readonly ChartEvent[];
	theme: ChartTheme;
}

export type ChartTransform = 'value' | 'delta' | 'growth' | 'index' | 'share' | 'yoy';

/** A share is a part of 100, not a change: no sign, and a decimal more, so that small shares still differ. */
function formatShare(percent: number): string {
	return `${new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(percent)}%`;
}

export function formatValue(value: number, transform: ChartTransform): string {
	if (transform === 'share') return formatShare(value);
	return transform === 'growth' || transform === 'yoy' ? formatPercent(value) : formatExact(value);
}

export function formatTick(value: number, transform: ChartTransform): string {
	if (transform === 'share') return formatShare(value);
	return transform === 'growth' || transform === 'yoy' ? formatPercent(value) : formatCount(value);
}

/** The tooltip's lines for one point: value, then where it came from and any anomaly flags. */
export function describePoint(point: ChartPoint, transform: LineOptionsInput['transform']): { value: string; details: string[] } {
	// The date is the tooltip's title; the lines under the value say where the number came from.
	const details = point.isProjected ? ['projected (forecast)'] : [`provenance: ${point.provenance}`];
	if (point.flags.length > 0) details.push(`flagged: ${point.flags.join(', ')}`);
	for (const a of point.anomalies ?? []) details.push(`${a.kind} on ${a.day} (score ${a.score.toFixed(1)})`);
	return { value: point.y === null ? 'no value' : formatValue(point.y, transform), details };
}

/** Event lines; left out when aligned by age, where calendar dates have no place on the x axis. */
export function buildAnnotations(input: Pick<LineOptionsInput, 'align' | 'events' | 'theme'>) {
	if (input.align) return {};
	return Object.fromEntries(
		input.events.map((e) => [
			`event-${e.id}`,
			{
				type: 'line',
				scaleID: 'x',
				value: shiftUtcToLocalLabels(Date.parse(e.ts)),
				borderColor: e.kind === 'manual' ? input.theme.warn : input.theme.muted,
				borderWidth: 1,
				borderDash: [4, 4],
				label: {
					display: true,
					content: e.label,
					position: 'start',
					font: { size: 11 },
					color: input.theme.fg,
					backgroundColor: input.theme.surface,
					padding: 3
				}
			}
		])
	);
}

function buildScales(input: LineOptionsInput) {
	const { theme } = input;
	const axis = { grid: { color: theme.grid }, ticks: { color: theme.muted }, border: { color: theme.grid } };
	const x = input.align
		? { ...axis, type: 'linear', title: { display: true, text: 'days since first sample', color: theme.muted } }
		: {
				...axis,
				ticks: { ...axis.ticks, maxRotation: 0, autoSkipPadding: 16 },
				type: 'time',
				time: {
					tooltipFormat: 'yyyy-MM-dd',
					displayFormats: { day: 'yyyy-MM-dd', week: 'yyyy-MM-dd', month: 'yyyy-MM', quarter: 'yyyy-MM', year: 'yyyy' }
				}
			};
	const y = {
		...axis,
		type: input.log ? 'logarithmic' : 'linear',
		ticks: { ...axis.ticks, callback: (value: number | string) => formatTick(Number(value), input.transform) }
	};
	return { x, y };
}

export function buildLineOptions(input: LineOptionsInput) {
	const { theme } = input;
	return {
		responsive: true,
		maintainAspectRatio: false,
		animation: false,
		parsing: false,
		normalized: true,
		interaction: { mode: 'nearest', intersect: false, axis: 'x' },
		scales: buildScales(input),
		plugins: {
			legend: { labels: { color: theme.fg, usePointStyle: true, boxHeight: 6 } },
			tooltip: {
				callbacks: {
					title: (items: { raw: unknown }[]) => {
						const point = items[0]?.raw as ChartPoint | undefined;
						if (!point) return '';
						return input.align ? `day ${point.x}` : formatDate(point.date);
					},
					label: (item: { raw: unknown; dataset: { label?: string } }) =>
						`${item.dataset.label}: ${describePoint(item.raw as ChartPoint, input.transform).value}`,
					afterLabel: (item: { raw: unknown }) => describePoint(item.raw as ChartPoint, input.transform).details
				}
			},
			annotation: { annotations: buildAnnotations(input) },
			zoom: {
				zoom: { drag: { enabled: true, backgroundColor: 'rgba(120,140,170,0.2)' }, wheel: { enabled: true, modifierKey: 'ctrl' }, mode: 'x' },
				pan: { enabled: true, modifierKey: 'shift', mode: 'x' }
			}
		}
	};
}
