import { version } from '../../../../package.json';
import { parseSeriesRef } from '../../refs.js';
import type { Limits } from '../config-limits.js';
import type { Database, Db } from '../db/client.js';
import { listValuesAt } from '../db/queries/values-at.js';
import { answerBusy } from '../export/answer.js';
import type { ExportQuery } from '../export/params.js';
import type { ExportSlots } from '../export/slots.js';
import { streamExportCsv } from '../export/stream.js';
import { badParameter, jsonError } from '../http/errors.js';
import { readSeriesViews } from '../series/read.js';
import { resolveSelectors, type ResolvedSeries, type SeriesSelector } from '../series/selector.js';
import { maxInstantMs } from '../time.js';
import { maxReportSeries, type GrowthReport } from './build.js';
import { buildBundleMetadata, formatBundleReadme, packBundle, textFile, type BundleFacts, type BundleFile } from './bundle-files.js';
import { renderLineChartSvg } from './chart-svg.js';
import { buildReportFileName, formatReportCsv } from './csv.js';
import { answerReport } from './respond.js';

/**
 * GET /api/report.zip: a growth report with everything needed to trace its figures back: the report
 * as /api/report.csv and /api/report answer it, the samples behind it (data.csv, the long layout of
 * /api/export.csv, from the export's own code), the chart drawn on the server, a README and
 * metadata.json. Built in memory, so the samples are bounded (maxBundleDataBytes); past that the
 * answer is a 400 pointing to /api/export.csv, which streams any length. A bundle reads like an export
 * and so takes one of the export slots (EXPORT_CONCURRENCY) while it is built.
 */

/** data.csv's bound: about 400,000 samples at some 80 bytes a row; the zip is built from this and the report in memory. */
export const maxBundleDataBytes = 32 * 1024 * 1024;
/** A legend of more lines is unreadable; data.csv holds every series all the same. */
export const maxChartSeries = 10;
// About the plot's width in pixels: more points would draw nothing more.
const chartPoints = 800;

export interface BundleContext {
	database: Database;
	limits: Pick<Limits, 'exportTimeoutMs'>;
	slots: ExportSlots;
	/** data.csv's bound; maxBundleDataBytes unless a test sets a small one. */
	maxDataBytes?: number;
}

const formatBound = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes} bytes`);

type Built = { ok: true; files: BundleFile[] } | { ok: false; response: Response };

/** The report's series that have samples (not the published-percentage-only rows), resolved again by their exact references. */
async function resolveReportSeries(db: Db, report: GrowthReport) {
	const selectors: SeriesSelector[] = report.rows
		.filter((r) => !r.isPublishedPercentOnly)
		.flatMap((r) => {
			const parsed = parseSeriesRef(r.series);
			return parsed.ok ? [{ kind: 'series' as const, ref: parsed.value, text: r.series }] : [];
		});
	return { selectors, resolution: await resolveSelectors(db, selectors, maxReportSeries) };
}

/** The earliest sample any figure reads: each row's start, and the value on or before the period before's start. */
async function findDataStart(db: Db, series: ResolvedSeries[], report: GrowthReport): Promise<{ chartFrom: Date; dataFrom: Date }> {
	const startsMs = report.rows.flatMap((r) => (r.start ? [Date.parse(r.start.ts)] : []));
	const chartFromMs = Math.min(Date.parse(report.period.start), ...startsMs);
	const previous = series.length === 0 ? [] : await listValuesAt(db, series.map((s) => s.record.id), new Date(report.period.previousStart));
	return { chartFrom: new Date(chartFromMs), dataFrom: new Date(Math.min(chartFromMs, ...previous.map((s) => s.ts.getTime()))) };
}

/** data.csv as bytes, or undefined past maxBundleDataBytes (leaving the loop ends the export's reads). */
async function collectDataCsv(context: BundleContext, series: ResolvedSeries[], query: ExportQuery, maxBytes: number): Promise<Uint8Array | undefined> {
	const encoder = new TextEncoder();
	const chunks: Uint8Array[] = [];
	let bytes = 0;
	for await (const text of streamExportCsv(context.database, series, query, { copyTimeoutMs: context.limits.exportTimeoutMs })) {
		const chunk = encoder.encode(text);
		bytes += chunk.length;
		if (bytes > maxBytes) return undefined;
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

async function renderChart(db: Db, series: ResolvedSeries[], report: GrowthReport, range: { from: Date; to: Date }): Promise<string> {
	const charted = series.slice(0, maxChartSeries).map((s) => s.ref);
	const read = charted.length === 0 ? { series: [] } : await readSeriesViews(db, { series: charted, ...range, interval: 'raw', transform: 'value', points: chartPoints, smooth: 1 });
	const views = 'series' in read ? read.series : [];
	const from = range.from.toISOString().slice(0, 10);
	return renderLineChartSvg({
		title: 'Dockpulse growth report',
		period: report.period.label + (range.from.getTime() < Date.parse(report.period.start) ? ` (samples from ${from}, the earliest a figure reads)` : ''),
		startMs: range.from.getTime(),
		endMs: Date.parse(report.period.end),
		lines: views.map((v) => ({ name: `${v.targetName}, ${v.metric} (${v.series})`, points: v.points.map(([iso, value]) => [Date.parse(iso), value] as const) }))
	});
}

async function buildBundleFiles(context: BundleContext, report: GrowthReport, params: URLSearchParams, now: Date): Promise<Built> {
	const db = context.database.db;
	const { selectors, resolution } = await resolveReportSeries(db, report);
	// Only when a series is removed between the report's read and this one.
	if (!resolution.ok) return { ok: false, response: jsonError(404, 'not_found', resolution.message, { parameter: 'series' }) };
	const series = resolution.series;
	const { chartFrom, dataFrom } = await findDataStart(db, series, report);
	// The first instant not wanted, kept within the years the database reads (as the export's `to` is).
	const to = new Date(Math.min(Date.parse(report.period.end) + 1, maxInstantMs));
	const query: ExportQuery = { series: selectors, from: dataFrom, to, interval: 'raw', transform: 'value', smooth: 1, format: 'long' };
	const maxBytes = context.maxDataBytes ?? maxBundleDataBytes;
	const data = await collectDataCsv(context, series, query, maxBytes);
	if (!data) {
		const message = `the samples of this report pass the bundle's bound of ${formatBound(maxBytes)} of CSV; narrow the series or the period, or download them from /api/export.csv, which streams any length`;
		return { ok: false, response: badParameter('series', message) };
	}
	const bundleWarnings = series.length > maxChartSeries ? [`chart.svg draws the first ${maxChartSeries} of the ${series.length} series; data.csv holds them all`] : [];
	const facts: BundleFacts = { report, parameters: params, generatedAt: now, version, dataFrom, bundleWarnings };
	const files: BundleFile[] = [
		textFile('report.csv', formatReportCsv(report)),
		// The very text /api/report answers (SvelteKit's json() is JSON.stringify).
		textFile('report.json', JSON.stringify(report)),
		{ name: 'data.csv', content: data },
		textFile('chart.svg', await renderChart(db, series, report, { from: chartFrom, to })),
		textFile('README.txt', formatBundleReadme(facts))
	];
	return { ok: true, files: [...files, textFile('metadata.json', `${JSON.stringify(buildBundleMetadata(facts, files), null, 2)}\n`)] };
}

/** The bundle's answer: the report's own 400/404 for bad parameters, 503 when every export slot is taken, else the zip. */
export async function answerReportBundle(context: BundleContext, params: URLSearchParams, now: Date): Promise<Response> {
	const answer = await answerReport(context.database.db, params, now);
	if ('error' in answer) return answer.error;
	const release = context.slots.tryAcquire();
	if (!release) return answerBusy(context.slots);
	try {
		const built = await buildBundleFiles(context, answer.report, params, now);
		if (!built.ok) return built.response;
		return new Response(packBundle(built.files, now), {
			headers: {
				'content-type': 'application/zip',
				'content-disposition': `attachment; filename="${buildReportFileName(answer.report).replace(/\.csv$/, '.zip')}"`,
				'cache-control': 'no-store'
			}
		});
	} finally {
		release();
	}
}
