import type { ChartTheme } from './options.js';

/**
 * Chart colours from the layout's theme variables. The variables hold light-dark() expressions, which
 * getPropertyValue returns unresolved; a probe element's computed `color` gives the resolved rgb for
 * the scheme in force.
 */

function resolveColor(host: Element, variable: string, fallback: string): string {
	const probe = document.createElement('span');
	probe.style.color = `var(${variable}, ${fallback})`;
	probe.style.display = 'none';
	host.appendChild(probe);
	const color = getComputedStyle(probe).color;
	probe.remove();
	return color || fallback;
}

// Mid-tone hues readable on both the light and the dark surface; the accent leads. The report bundle's
// server-drawn SVG chart (lib/server/report/chart-svg.ts) uses them too, so both charts colour alike.
export const seriesHues = ['#e8590c', '#2f9e44', '#ae3ec9', '#0c8599', '#d6336c', '#5c7cfa', '#f08c00', '#66a80f', '#7950f2', '#1098ad'];

export function readChartTheme(host: Element): ChartTheme {
	const accent = resolveColor(host, '--accent', '#1d63ed');
	return {
		fg: resolveColor(host, '--fg', '#1c2430'),
		muted: resolveColor(host, '--fg-muted', '#5b6675'),
		grid: resolveColor(host, '--border', '#dde2e8'),
		surface: resolveColor(host, '--surface', '#ffffff'),
		accent,
		bad: resolveColor(host, '--bad', '#c62a2f'),
		warn: resolveColor(host, '--warn', '#8a5a00'),
		palette: [accent, ...seriesHues]
	};
}
