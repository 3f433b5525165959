import { formatSeriesRef, formatTargetRef, type SeriesRef } from '../../refs.js';
import { selectMinMaxIndices } from '../metrics/downsample.js';
import { readDerivedPoints, resolveDerivedSeries, type DerivedSeries } from '../series/derived.js';
import { resolveSelectors, type ResolvedSeries, type SelectorResolution, type SeriesSelector } from '../series/selector.js';
import type { Database, Db } from '../db/client.js';
import { canCopyExport, streamCopiedRows } from './copy.js';
import { openCopyConnection, type CopyConnection } from '../db/queries/samples-copy.js';
import type { Provenance } from '../db/schema/index.js';
import { listSeriesPage } from '../db/queries/series-pages.js';
import type { BasketTotal } from '../metrics/share.js';
import { listAnomalyFlags, readBucketAnomalies } from '../series/anomaly-flags.js';
import { readSeriesViews } from '../series/read.js';
import { readBasketTotals } from '../series/transformed-points.js';
import { createPageTransform } from './page-transform.js';
import { PointCursor } from './point-cursor.js';
import { formatCsvRows, type Cell } from './csv-cells.js';
import type { ExportQuery } from './params.js';

/**
 * CSV exports streamed from the database: each series is read in keyset pages and written as it is
 * read, so memory stays flat whatever the number of rows (one page per series in the wide layout,
 * which merges the series by time). transform=share adds the basket's totals, one per bucket of the
 * range whatever the number of series; transform=yoy a second page per series, a year behind.
 */

type BasketTotals = ReadonlyMap<number, BasketTotal> | undefined;

const pageRows = 10_000;
const wideRowsPerChunk = 2_000;
// The wide layout holds a page of every series at once: pages shrink as series multiply.
const widePageRows = (seriesCount: number) => Math.max(200, Math.min(pageRows, Math.floor(200_000 / seriesCount)));

export interface ExportPoint {
	tMs: number;
	value: number | null;
	provenance: Provenance;
	flags: string[];
}

/** A derived series (series/derived.ts) has no stored record: its points are computed as it is written. */
export type ExportSeries = ResolvedSeries | { ref: SeriesRef; derived: DerivedSeries };

const storedIds = (list: readonly ExportSeries[]) => list.flatMap((item) => ('record' in item ? [item.record.id] : []));

/** At most this many series in one export of the long layout, whatever the patterns match. */
export const maxExportSeries = 10_000;
/**
 * The wide layout merges every series by time and so holds a page of each at once (200,000 points at
 * the cap, ~2M at 10,000 series), and a row of 10,000 columns is no spreadsheet anyone opens.
 */
export const maxWideExportSeries = 1_000;

export type ExportResolution = { ok: true; series: ExportSeries[] } | Extract<SelectorResolution, { ok: false }>;

/**
 * Finds every series of the export first, so that an unknown one is refused before a byte is sent.
 * Stored series come first (as the selectors resolve them), then the derived ones named.
 */
export async function resolveExport(db: Db, query: ExportQuery): Promise<ExportResolution> {
	const isWide = query.format === 'wide';
	const isDerived = (s: SeriesSelector) => s.kind === 'series' && s.ref.source === 'derived';
	const derivedRefs = query.series.flatMap((s) => (s.kind === 'series' && isDerived(s) ? [s.ref] : []));
	const stored = query.series.filter((s) => !isDerived(s));
	const maxSeries = (isWide ? maxWideExportSeries : maxExportSeries) - derivedRefs.length;
	const resolved = stored.length > 0 ? await resolveSelectors(db, stored, maxSeries) : ({ ok: true, series: [] } as const);
	if (!resolved.ok && resolved.problem === 'tooMany' && isWide) {
		const message = `more than ${maxWideExportSeries} series match, the most the wide layout takes; narrow the patterns or use format=long (up to ${maxExportSeries})`;
		return { ...resolved, message };
	}
	if (!resolved.ok && resolved.problem === 'tooMany') return resolved;
	const derived = await Promise.all(derivedRefs.map((ref) => resolveDerivedSeries(db, ref)));
	const missing = resolved.ok ? [] : resolved.missing;
	const reasons = derived.flatMap((d) => (d.ok ? [] : [d.reason]));
	if (missing.length > 0 || reasons.length > 0) {
		const message = [...(missing.length > 0 ? [`unknown series: ${missing.join(', ')}`] : []), ...reasons].join('; ');
		const missingDerived = derivedRefs.filter((_, i) => !derived[i]!.ok).map(formatSeriesRef);
		return { ok: false, problem: 'missing', message, missing: [...missing, ...missingDerived] };
	}
	const found = derived.flatMap((d) => (d.ok ? [{ ref: d.series.ref, derived: d.series }] : []));
	return { ok: true, series: [...(resolved.ok ? resolved.series : []), ...found] };
}

/** A derived series' points, whole: a ratio of two reads is computed in memory, as /api/series does. */
async function readDerivedExportPoints(db: Db, derived: DerivedSeries, query: ExportQuery): Promise<ExportPoint[]> {
	const { points, numerator } = await readDerivedPoints(db, derived, query);
	const kept = query.points === undefined ? points.map((_, i) => i) : selectMinMaxIndices(points, query.points);
	return kept.map((i) => ({ tMs: points[i]![0], value: points[i]![1], provenance: numerator[i]!.provenance, flags: numerator[i]!.flags }));
}

/**
 * One series' points in pages, transformed and smoothed on the way. With `hasAnomalyFlags` (the long
 * layout's flags column) the series' flagged days are read first (its daily values, a few thousand rows
 * at most; only the flagged buckets are kept) and join each bucket's flags. A derived series (a ratio, not
 * scored) is computed in one piece.
 */
async function* readPointPages(
	db: Db,
	item: ExportSeries,
	query: ExportQuery,
	totals: BasketTotals,
	limit = pageRows,
	hasAnomalyFlags = false
): AsyncGenerator<ExportPoint[]> {
	if ('derived' in item) {
		yield await readDerivedExportPoints(db, item.derived, query);
		return;
	}
	const { ref, record } = item;
	if (query.points !== undefined) {
		// Thinned as the series API thins: the same statement and the same points (and the whole export's basket).
		const result = await readSeriesViews(db, { ...query, points: query.points, series: [ref] }, { basketTotals: totals });
		if (!('series' in result)) return;
		const view = result.series[0]!;
		yield view.points.map(([iso, value], i) => ({
			tMs: Date.parse(iso),
			value,
			provenance: view.pointProvenance[i]!,
			flags: view.pointFlags[i]!
		}));
		return;
	}
	const transform = await createPageTransform(db, record.id, query, totals, limit);
	const anomalies = hasAnomalyFlags ? await readBucketAnomalies(db, record, query) : undefined;
	let afterMs: number | undefined;
	for (;;) {
		const page = await listSeriesPage(db, record.id, query, afterMs, limit);
		if (page.length === 0) return;
		const values = await transform(page);
		yield page.map((p, i) => ({ ...p, value: values[i]!, flags: [...p.flags, ...listAnomalyFlags(anomalies?.get(p.tMs))] }));
		if (page.length < limit) return;
		afterMs = page.at(-1)!.tMs;
	}
}

const iso = (ms: number) => new Date(ms).toISOString();

async function* streamLong(database: Database, list: ExportSeries[], query: ExportQuery, options: ExportOptions): AsyncGenerator<string> {
	const db = database.db;
	const totals = await readBasketTotals(db, storedIds(list), query);
	yield formatCsvRows([['series', 'target', 'metric', 'ts', 'value', 'provenance', 'flags']]);
	let copy: CopyConnection | undefined;
	try {
		for (const item of list) {
			if ('record' in item && canCopyExport(database, query)) {
				copy ??= await openCopyConnection(database.pool, options.copyTimeoutMs ?? 0);
				yield* streamCopiedRows(copy, item.record.id, query);
				continue;
			}
			const series = formatSeriesRef(item.ref);
			const target = formatTargetRef(item.ref);
			for await (const page of readPointPages(db, item, query, totals, pageRows, true)) {
				yield formatCsvRows(page.map((p) => [series, target, item.ref.metric, iso(p.tMs), p.value, p.provenance, p.flags.join(' ')]));
			}
		}
	} finally {
		// Also when the download stops half-way (the client left, the deadline passed).
		await copy?.close();
	}
}

async function* streamWide(db: Db, list: ExportSeries[], query: ExportQuery): AsyncGenerator<string> {
	const totals = await readBasketTotals(db, storedIds(list), query);
	yield formatCsvRows([['ts', ...list.map((item) => formatSeriesRef(item.ref))]]);
	const limit = widePageRows(list.length);
	const cursors = list.map((item) => new PointCursor(readPointPages(db, item, query, totals, limit)));
	let rows: Cell[][] = [];
	for (;;) {
		const heads = await Promise.all(cursors.map((c) => c.peek()));
		const times = heads.filter((h) => h !== undefined).map((h) => h.tMs);
		if (times.length === 0) break;
		const tMs = Math.min(...times);
		rows.push([iso(tMs), ...heads.map((h) => (h?.tMs === tMs ? h.value : null))]);
		heads.forEach((h, i) => h?.tMs === tMs && cursors[i]!.advance());
		if (rows.length >= wideRowsPerChunk) {
			yield formatCsvRows(rows);
			rows = [];
		}
	}
	if (rows.length > 0) yield formatCsvRows(rows);
}

export interface ExportOptions {
	/** statement_timeout of the COPY connection (PostgreSQL's fast path); 0 or unset is none. */
	copyTimeoutMs?: number;
}

export function streamExportCsv(database: Database, list: ExportSeries[], query: ExportQuery, options: ExportOptions = {}): AsyncGenerator<string> {
	return query.format === 'wide' ? streamWide(database.db, list, query) : streamLong(database, list, query, options);
}
