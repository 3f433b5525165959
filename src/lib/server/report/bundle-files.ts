import { createHash } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import type { GrowthReport } from './build.js';

/**
 * The text files of a report bundle that describe the others (metadata.json, README.txt), and the zip
 * itself. metadata.json is written last and lists the SHA-256 of every other file, so that a figure
 * quoted from the bundle can be checked against exactly the bytes it came from.
 */

export interface BundleFile {
	name: string;
	content: Uint8Array;
}

export interface BundleFacts {
	report: GrowthReport;
	/** The request's parameters as given, to ask again: `series` as a list, the others as text. */
	parameters: URLSearchParams;
	generatedAt: Date;
	version: string;
	/** Where data.csv starts: the earliest sample any figure of the report reads. */
	dataFrom: Date;
	/** What the bundle itself leaves out (a chart limited to its first series, say). */
	bundleWarnings: string[];
}

export const textFile = (name: string, text: string): BundleFile => ({ name, content: strToU8(text) });

export function hashSha256(content: Uint8Array): string {
	return createHash('sha256').update(content).digest('hex');
}

function describeMethods(facts: BundleFacts) {
	const { report } = facts;
	return {
		valueAt:
			'each end of the period is read as the nearest sample on or before it (start_date and end_date in report.csv are the samples used); ' +
			'a series without a sample on or before the start is measured from its first sample in the period, and says so in its warnings',
		growth: 'change = end - start; growth_percent = (end - start) / |start| x 100; multiplier = end / start (when start > 0 and end >= 0)',
		cagr: 'cagr_percent = (multiplier^(1 / years) - 1) x 100, years counted on the calendar between the two samples: whole years to the last anniversary, plus the elapsed part of the next year',
		previousPeriod: `previous_growth_percent: the same growth from the value on or before ${report.period.previousStart} (the period of equal length before) to the value on or before the start`,
		minBase: `a growth percentage whose base is below ${report.minBase} is flagged in the warnings`,
		series: Object.fromEntries(report.rows.map((r) => [r.series, r.method])),
		data: `data.csv: every stored sample of each series from ${facts.dataFrom.toISOString()} to ${report.period.end}, in the long layout of GET /api/export.csv`
	};
}

/** metadata.json: the parameters, methods, citations and warnings, and the SHA-256 of each file before it. */
export function buildBundleMetadata(facts: BundleFacts, files: readonly BundleFile[]) {
	const { report, parameters } = facts;
	const given = Object.fromEntries([...new Set(parameters.keys())].map((k) => [k, k === 'series' ? parameters.getAll(k) : parameters.get(k)]));
	return {
		generatedAt: facts.generatedAt.toISOString(),
		dockpulse: { version: facts.version },
		request: `/api/report?${parameters.toString()}`,
		parameters: given,
		period: report.period,
		minBase: report.minBase,
		methods: describeMethods(facts),
		citations: [...new Set(report.rows.flatMap((r) => r.citations))],
		warnings: [...report.rows.flatMap((r) => r.warnings.map((w) => `${r.series}: ${w}`)), ...facts.bundleWarnings],
		files: files.map((f) => ({ name: f.name, bytes: f.content.length, sha256: hashSha256(f.content) }))
	};
}

/** One computed row of the report worked through, so that the reader sees the arithmetic on real numbers. */
function describeExample(report: GrowthReport): string[] {
	const row = report.rows.find((r) => r.start && r.end && r.growthPercent !== null && r.start.ts !== r.end.ts);
	if (!row?.start || !row.end) return [];
	return [
		'',
		`For example, ${row.series}: in data.csv, the row of ${row.start.ts} holds ${row.start.value} (the last one on or before`,
		`${row.start.requested}) and the row of ${row.end.ts} holds ${row.end.value} (the last one on or before ${row.end.requested});`,
		`(${row.end.value} - ${row.start.value}) / ${Math.abs(row.start.value)} x 100 = ${row.growthPercent}, the growth_percent in report.csv.`
	];
}

export function formatBundleReadme(facts: BundleFacts): string {
	const { report } = facts;
	return [
		`Dockpulse ${facts.version} growth report, ${report.period.label}, generated ${facts.generatedAt.toISOString()}.`,
		'',
		'report.csv, report.json  the report, exactly as GET /api/report.csv and GET /api/report answer it',
		'data.csv                 the samples behind it: series,target,metric,ts,value,provenance,flags',
		'chart.svg                the series over the period',
		'metadata.json            parameters, methods, citations, warnings, and the SHA-256 of every other file',
		'',
		'To check the files: sha256sum each one and compare with metadata.json "files".',
		'',
		'To recompute a figure of report.csv from data.csv: take the series rows of data.csv; the start value is the',
		'row with the latest ts on or before start_requested (report.csv names it: start_date, start_value), the end',
		'value the latest on or before end_requested. Then change = end - start, growth_percent = change / |start| x 100,',
		'multiplier = end / start, and cagr_percent = (multiplier^(1/years) - 1) x 100 with years counted on the calendar',
		'between the two dates. previous_growth_percent is the same from the value on or before the period before',
		`(${report.period.previousStart}) to the start value. Rows marked published_percent_only carry a published`,
		'percentage with no base value: they have no data, only their citation.',
		...describeExample(report),
		''
	].join('\n');
}

/** The zip, each entry dated when the bundle was generated. */
export function packBundle(files: readonly BundleFile[], generatedAt: Date): Uint8Array<ArrayBuffer> {
	return zipSync(Object.fromEntries(files.map((f) => [f.name, [f.content, { mtime: generatedAt }]])), { level: 6 });
}
