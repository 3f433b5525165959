import {
	Chart,
	Filler,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	LogarithmicScale,
	PointElement,
	TimeScale,
	Tooltip,
	type Plugin
} from 'chart.js';
import 'chartjs-adapter-date-fns';
import annotationPlugin from 'chartjs-plugin-annotation';
import zoomPlugin from 'chartjs-plugin-zoom';

/**
 * chart.js with only what the line charts use, registered once. Loaded with a dynamic import from the
 * chart component: the zoom plugin's gesture library touches `window` when imported, so it must never
 * run on the server, and pages without charts (the overview) never download any of it.
 */

/** Paints the chart's background before drawing, so a downloaded PNG is readable outside the page. */
const canvasBackground: Plugin<'line', { color?: string }> = {
	id: 'canvasBackground',
	beforeDraw(chart, _args, options) {
		if (!options.color) return;
		const { ctx } = chart;
		ctx.save();
		ctx.globalCompositeOperation = 'destination-over';
		ctx.fillStyle = options.color;
		ctx.fillRect(0, 0, chart.width, chart.height);
		ctx.restore();
	}
};

Chart.register(
	LineController,
	LineElement,
	PointElement,
	LinearScale,
	LogarithmicScale,
	TimeScale,
	Tooltip,
	Legend,
	Filler,
	annotationPlugin,
	zoomPlugin,
	canvasBackground
);

export { Chart };
