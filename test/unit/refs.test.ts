import { describe, expect, it } from 'vitest';
import { formatSeriesRef, parseSeriesRef, parseTargetRef } from '../../src/lib/refs.js';

describe('target and series references', () => {
	it('reads a Docker Hub image and a GitHub repository', () => {
		expect(parseTargetRef('dockerhub:library/nginx')).toEqual({ ok: true, value: { source: 'dockerhub', key: 'library/nginx' } });
		expect(parseSeriesRef('github:moby/moby:stars')).toEqual({
			ok: true,
			value: { source: 'github', key: 'moby/moby', metric: 'stars' }
		});
	});

	it('parses a series at the last colon, so keys may hold colons', () => {
		const parsed = parseSeriesRef('ecosystem:github-repos:docker:repositories');
		expect(parsed).toEqual({ ok: true, value: { source: 'ecosystem', key: 'github-repos:docker', metric: 'repositories' } });
		if (parsed.ok) expect(formatSeriesRef(parsed.value)).toBe('ecosystem:github-repos:docker:repositories');
	});

	it.each([
		['stars', 'not a series reference'],
		['nosuch:moby/moby:stars', 'unknown source "nosuch"'],
		['github:moby/moby:Stars', 'not a valid metric'],
		['github::stars', 'not a valid key'],
		['github:moby moby:stars', 'not a valid key'],
		["github:x';drop table samples;--:stars", 'not a valid key']
	])('refuses %s', (text, message) => {
		const parsed = parseSeriesRef(text);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.message).toContain(message);
	});
});
