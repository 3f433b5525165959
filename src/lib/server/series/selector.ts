import { formatSeriesRef, parseSeriesRef, sources, type ParseResult, type SeriesRef, type Source } from '../../refs.js';
import type { Db } from '../db/client.js';
import { parsedText } from '../http/schemas.js';
import { listSeriesByRefs, listSeriesMatching, type SeriesPattern, type SeriesRecord } from '../db/queries/targets.js';

/**
 * A set of series named in one string: one series (`github:moby/moby:stars`), or every series a
 * pattern with `*` matches (`github:*:stars`, `dockerhub:library/*:pulls`, `github:moby/moby:*`,
 * `*:*:pulls`). Exports and alert rules take these, so that a whole metric or a group of targets is
 * named without listing thousands of series.
 */
export type SeriesSelector = { kind: 'series'; ref: SeriesRef; text: string } | { kind: 'pattern'; pattern: SeriesPattern; text: string };

const keyGlobPattern = /^[A-Za-z0-9.*_\-/:@+]{1,200}$/;
const metricPattern = /^([a-z][a-z0-9_]{0,62}|\*)$/;

function parsePattern(text: string): SeriesPattern | string {
	const first = text.indexOf(':');
	const last = text.lastIndexOf(':');
	if (first < 0 || last === first) return `"${text}" is not a pattern <source>:<key with *>:<metric>`;
	const source = text.slice(0, first);
	const keyGlob = text.slice(first + 1, last);
	const metric = text.slice(last + 1);
	if (source !== '*' && !(sources as readonly string[]).includes(source)) return `unknown source "${source}" (expected * or one of ${sources.join(', ')})`;
	if (!keyGlobPattern.test(keyGlob)) return `"${keyGlob}" is not a key pattern: letters, digits, . _ - / : @ + and * only`;
	if (!metricPattern.test(metric)) return `"${metric}" is not a metric or *`;
	return { source, keyGlob, metric };
}

function parseSeriesSelector(text: string): ParseResult<SeriesSelector> {
	if (text.includes('*')) {
		const pattern = parsePattern(text);
		return typeof pattern === 'string' ? { ok: false, message: pattern } : { ok: true, value: { kind: 'pattern', pattern, text } };
	}
	const parsed = parseSeriesRef(text);
	return parsed.ok ? { ok: true, value: { kind: 'series', ref: parsed.value, text } } : parsed;
}

export const seriesSelector = parsedText(parseSeriesSelector, 'expected a series <source>:<key>:<metric> or a pattern with *');

export interface ResolvedSeries {
	ref: SeriesRef;
	record: SeriesRecord;
}

export type SelectorResolution =
	| { ok: true; series: ResolvedSeries[] }
	| { ok: false; problem: 'missing' | 'tooMany'; message: string; missing: string[] };

/**
 * The series that selectors name, in order: each named series, then what each pattern matches. An
 * unknown series or a pattern matching none is reported (all of them at once); a series named twice,
 * or matched by two patterns, is listed once.
 */
export async function resolveSelectors(db: Db, selectors: readonly SeriesSelector[], maxSeries: number): Promise<SelectorResolution> {
	const named = selectors.flatMap((s) => (s.kind === 'series' ? [s.ref] : []));
	const records = await listSeriesByRefs(db, named);
	const missing = named.filter((_, i) => !records[i]).map(formatSeriesRef);
	const found: SeriesRecord[] = records.filter((r) => r !== undefined);
	for (const selector of selectors) {
		if (selector.kind !== 'pattern') continue;
		const matched = await listSeriesMatching(db, selector.pattern, maxSeries + 1);
		if (matched.length === 0) missing.push(selector.text);
		found.push(...matched);
	}
	if (missing.length > 0) return { ok: false, problem: 'missing', message: `unknown series: ${missing.join(', ')}`, missing };
	const unique = [...new Map(found.map((r) => [r.id, r])).values()];
	if (unique.length > maxSeries) {
		return { ok: false, problem: 'tooMany', message: `more than ${maxSeries} series match; narrow the patterns`, missing: [] };
	}
	// Sources come from the targets table, whose check constraint holds them to the known ones.
	return { ok: true, series: unique.map((record) => ({ ref: { source: record.source as Source, key: record.key, metric: record.metric }, record })) };
}
