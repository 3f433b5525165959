import { z } from 'zod';
import { parseSeriesRef, sources, type SeriesRef } from '../refs.js';
import type { SeriesPattern } from './db/queries/targets.js';

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

export const seriesSelector = z.string().transform((text, ctx): SeriesSelector => {
	if (text.includes('*')) {
		const pattern = parsePattern(text);
		if (typeof pattern === 'string') {
			ctx.addIssue({ code: 'custom', message: pattern });
			return z.NEVER;
		}
		return { kind: 'pattern', pattern, text };
	}
	const parsed = parseSeriesRef(text);
	if (!parsed.ok) {
		ctx.addIssue({ code: 'custom', message: parsed.message });
		return z.NEVER;
	}
	return { kind: 'series', ref: parsed.value, text };
});

