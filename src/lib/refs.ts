/**
 * Target and series references, the public names used in URLs, the API and the CLI.
 * A target reads `<source>:<key>` (`dockerhub:library/nginx`, `github:moby/moby`,
 * `ecosystem:github-repos:docker`); a series is `<target>:<metric>`, parsed at the last colon because
 * keys may contain colons. Browser-safe: the dashboard parses references too.
 */

// `derived` names series computed at read time from others (derived:dockerhub:<ns>/<image>:pulls_per_star);
// no target of that source is ever stored.
export const sources = ['dockerhub', 'github', 'ecosystem', 'import', 'reference', 'derived'] as const;
export type Source = (typeof sources)[number];

export interface TargetRef {
	source: Source;
	key: string;
}

export interface SeriesRef extends TargetRef {
	metric: string;
}

// Printable characters without whitespace or control codes; slashes, dots, colons allowed.
const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]{0,199}$/;
const metricPattern = /^[a-z][a-z0-9_]{0,62}$/;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

function isSource(value: string): value is Source {
	return (sources as readonly string[]).includes(value);
}

export function parseTargetRef(text: string): ParseResult<TargetRef> {
	const colon = text.indexOf(':');
	if (colon < 0) return { ok: false, message: `"${text}" is not a target reference <source>:<key>` };
	const source = text.slice(0, colon);
	const key = text.slice(colon + 1);
	if (!isSource(source)) {
		return { ok: false, message: `unknown source "${source}" (expected one of ${sources.join(', ')})` };
	}
	if (!keyPattern.test(key)) {
		return {
			ok: false,
			message: `"${key}" is not a valid key: letters, digits and . _ - / : @ + only, at most 200 characters`
		};
	}
	return { ok: true, value: { source, key } };
}

export function parseSeriesRef(text: string): ParseResult<SeriesRef> {
	const colon = text.lastIndexOf(':');
	if (colon < 0) return { ok: false, message: `"${text}" is not a series reference <source>:<key>:<metric>` };
	const metric = text.slice(colon + 1);
	if (!metricPattern.test(metric)) {
		return {
			ok: false,
			message: `"${metric}" is not a valid metric: lower-case letters, digits and _ , starting with a letter`
		};
	}
	const target = parseTargetRef(text.slice(0, colon));
	if (!target.ok) return target;
	return { ok: true, value: { ...target.value, metric } };
}

export function formatTargetRef(ref: { source: string; key: string }): string {
	return `${ref.source}:${ref.key}`;
}

export function formatSeriesRef(ref: { source: string; key: string; metric: string }): string {
	return `${ref.source}:${ref.key}:${ref.metric}`;
}
