import { seriesHues } from '../../charts/theme.js';
import { formatCount } from '../../format.js';
import { computeTimeTicks, computeValueAxis, type Tick } from './chart-axes.js';

/**
 * A line chart as a standalone SVG document, drawn on the server for the report bundle (no browser,
 * no canvas, no dependency): title, period, value and time axes with round ticks, one line per series
 * (broken where a value is null; a lone point drawn as a dot), and a legend. The value axis turns
 * logarithmic when the values span three orders of magnitude or more and are all positive, as a
 * report over Docker Hub pulls (500M) and contributors (1,302) does; otherwise the small series would
 * be a flat line at 0.
 */

export interface ChartLine {
	name: string;
	/** [epoch ms, value or null for a gap], in time order. */
	points: readonly (readonly [number, number | null])[];
}

export interface LineChartSpec {
	title: string;
	/** What the time axis covers, in words: "2014-06-09 to 2015-06-22". */
	period: string;
	startMs: number;
	endMs: number;
	lines: readonly ChartLine[];
}

const width = 960;
const plotHeight = 380;
const margin = { left: 84, right: 28, top: 76 };
const legendRowHeight = 20;
const palette = ['#1d63ed', ...seriesHues];
// Markers on every point while they stay legible; past this a line is only a line.
const maxMarkedPoints = 60;

// XML 1.0 refuses these characters even escaped; a name holding one gets the replacement character.
const invalidXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe in an XML element or a quoted attribute. */
export function escapeXml(text: string): string {
	return text.replace(invalidXml, '\uFFFD').replace(/[&<>"']/g, (c) => entities[c]!);
}

const fixed = (n: number) => n.toFixed(1);

interface Scale {
	x: (ms: number) => number;
	y: (value: number) => number;
	plot: { left: number; top: number; right: number; bottom: number };
}

function buildScale(spec: LineChartSpec, axis: { min: number; max: number }, isLog: boolean): Scale {
	const plot = { left: margin.left, top: margin.top, right: width - margin.right, bottom: margin.top + plotHeight };
	const spanMs = Math.max(1, spec.endMs - spec.startMs);
	const toAxis = (v: number) => (isLog ? Math.log10(v) : v);
	const [low, high] = [toAxis(axis.min), toAxis(axis.max)];
	return {
		plot,
		x: (ms) => plot.left + ((ms - spec.startMs) / spanMs) * (plot.right - plot.left),
		y: (v) => plot.bottom - ((toAxis(v) - low) / (high - low || 1)) * (plot.bottom - plot.top)
	};
}

function renderAxes(scale: Scale, valueTicks: Tick[], timeTicks: Tick[], isLog: boolean): string[] {
	const { plot } = scale;
	const parts = [`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#dde2e8"/>`];
	for (const tick of valueTicks) {
		const y = fixed(scale.y(tick.at));
		parts.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#dde2e8"/>`);
		parts.push(`<text x="${plot.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(tick.label)}</text>`);
	}
	for (const tick of timeTicks) {
		const x = fixed(scale.x(tick.at));
		parts.push(`<line x1="${x}" y1="${plot.bottom}" x2="${x}" y2="${plot.bottom + 5}" stroke="#5b6675"/>`);
		parts.push(`<text x="${x}" y="${plot.bottom + 20}" text-anchor="middle">${escapeXml(tick.label)}</text>`);
	}
	const label = isLog ? 'value (log scale)' : 'value';
	parts.push(`<text x="18" y="${(plot.top + plot.bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(plot.top + plot.bottom) / 2})">${label}</text>`);
	return parts;
}

/** The runs of consecutive non-null points: a null is a gap in the line. */
function splitRuns(points: ChartLine['points']): [number, number][][] {
	const runs: [number, number][][] = [[]];
	for (const [ms, value] of points) {
		if (value === null || !Number.isFinite(value)) runs.push([]);
		else runs.at(-1)!.push([ms, value]);
	}
	return runs.filter((run) => run.length > 0);
}

function renderLine(line: ChartLine, color: string, scale: Scale): string {
	const runs = splitRuns(line.points);
	const marked = line.points.length <= maxMarkedPoints;
	const parts: string[] = [];
	const d = runs.filter((run) => run.length > 1).map((run) => run.map(([ms, v], i) => `${i === 0 ? 'M' : 'L'}${fixed(scale.x(ms))} ${fixed(scale.y(v))}`).join(' '));
	if (d.length > 0) parts.push(`<path d="${d.join(' ')}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
	for (const run of runs) {
		if (!marked && run.length > 1) continue;
		for (const [ms, v] of run) parts.push(`<circle cx="${fixed(scale.x(ms))}" cy="${fixed(scale.y(v))}" r="3" fill="${color}"/>`);
	}
	return `<g class="series" data-name="${escapeXml(line.name)}">${parts.join('')}</g>`;
}

function renderLegend(lines: readonly ChartLine[], top: number): string[] {
	return lines.map((line, i) => {
		const y = top + i * legendRowHeight;
		const color = palette[i % palette.length]!;
		return `<g class="legend-item"><rect x="${margin.left}" y="${y - 6}" width="14" height="4" fill="${color}"/><text x="${margin.left + 22}" y="${y}" dominant-baseline="middle">${escapeXml(line.name)}</text></g>`;
	});
}

/** Values the chart draws: finite, and positive on a log axis. */
function listValues(lines: readonly ChartLine[]): number[] {
	return lines.flatMap((line) => line.points.flatMap(([, v]) => (v !== null && Number.isFinite(v) ? [v] : [])));
}

export function renderLineChartSvg(spec: LineChartSpec): string {
	const values = listValues(spec.lines);
	const min = values.reduce((a, b) => Math.min(a, b), Infinity);
	const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
	const isLog = values.length > 0 && min > 0 && max / min >= 1000;
	const axis = values.length > 0 ? computeValueAxis(min, max, isLog, formatCount) : { min: 0, max: 1, ticks: [] };
	const scale = buildScale(spec, axis, isLog);
	const legendTop = scale.plot.bottom + 52;
	const height = legendTop + Math.max(1, spec.lines.length) * legendRowHeight;
	const body = [
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="${margin.left}" y="30" font-size="18" font-weight="600">${escapeXml(spec.title)}</text>`,
		`<text x="${margin.left}" y="54" fill="#5b6675">${escapeXml(spec.period)}</text>`,
		...renderAxes(scale, axis.ticks, computeTimeTicks(spec.startMs, spec.endMs), isLog),
		`<clipPath id="plot"><rect x="${scale.plot.left}" y="${scale.plot.top}" width="${scale.plot.right - scale.plot.left}" height="${plotHeight}"/></clipPath>`,
		`<g clip-path="url(#plot)">${spec.lines.map((line, i) => renderLine(line, palette[i % palette.length]!, scale)).join('')}</g>`,
		...(values.length === 0
			? [`<text x="${(scale.plot.left + scale.plot.right) / 2}" y="${margin.top + plotHeight / 2}" text-anchor="middle" fill="#5b6675">No data in this period</text>`]
			: []),
		...renderLegend(spec.lines, legendTop)
	];
	return (
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" fill="#1c2430">\n` +
		body.join('\n') +
		'\n</svg>\n'
	);
}
