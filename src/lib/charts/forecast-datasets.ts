import type { ForecastBand } from '../types/forecast.js';
import { shiftUtcToLocalLabels, type ChartPoint } from './datasets.js';

/**
 * A projection -> chart.js datasets, pure: the 95% and 80% bands as pairs of edges shaded between them
 * (chart.js's Filler, `fill: '-1'` fills down to the dataset before), then the projection as a dashed
 * line in its series' colour. Band edges stay out of the legend and the tooltip (isBand).
 */

export interface ForecastDataset {
	label: string;
	series: string;
	data: ChartPoint[];
	borderColor: string;
	backgroundColor: string;
	borderDash: number[];
	borderWidth: number;
	pointRadius: number;
	fill: false | '-1';
	isBand: boolean;
}

/**
 * A series colour made translucent for the shading. The palette holds #rrggbb hues and the theme's
 * accent as the browser resolves it (`rgb(r, g, b)`); anything else shades nothing rather than hiding
 * the line under an opaque band.
 */
export function withAlpha(color: string, alpha: number): string {
	const text = color.trim();
	const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text);
	const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(text);
	const channels = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : rgb ? rgb.slice(1).map(Number) : undefined;
	return channels ? `rgba(${channels.join(', ')}, ${alpha})` : 'transparent';
}

function toPoints(band: ForecastBand, column: 1 | 2 | 3 | 4 | 5): ChartPoint[] {
	return band.points.map((row) => ({ x: shiftUtcToLocalLabels(Date.parse(row[0])), y: row[column], date: row[0], provenance: 'observed', flags: [], isProjected: true }));
}

export function buildForecastDatasets(band: ForecastBand, label: string, color: string): ForecastDataset[] {
	const edge = (name: string, column: 1 | 2 | 3 | 4 | 5, shade: number | undefined): ForecastDataset => ({
		label: `${label} · ${name}`,
		series: band.series,
		data: toPoints(band, column),
		borderColor: 'transparent',
		backgroundColor: shade === undefined ? 'transparent' : withAlpha(color, shade),
		borderDash: [],
		borderWidth: 0,
		pointRadius: 0,
		fill: shade === undefined ? false : '-1',
		isBand: true
	});
	return [
		edge('95% upper', 5, undefined),
		edge('95% lower', 4, 0.12),
		edge('80% upper', 3, undefined),
		edge('80% lower', 2, 0.22),
		{ label: `${label} · projected`, series: band.series, data: toPoints(band, 1), borderColor: color, backgroundColor: color, borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false, isBand: false }
	];
}
