import { describe, expect, it } from 'vitest';
import { filterTargets, getListPageHref, getTargetHref, groupBySource, type ListedTarget } from '../../src/routes/targets/target-list.js';
import { describeRefusal } from '../../src/routes/targets/form-result.js';

const target = (ref: string, displayName: string, more: Partial<ListedTarget> = {}): ListedTarget => ({
	target: ref,
	source: ref.slice(0, ref.indexOf(':')),
	displayName,
	status: 'ok',
	statusMessage: null,
	lastCollectedAt: null,
	series: [{ metric: 'stars' }],
	...more
});

const moby = target('github:moby/moby', 'moby/moby', { lastCollectedAt: '2026-11-28T10:00:00Z' });
const compose = target('github:docker/compose', 'docker/compose', { status: 'failing', statusMessage: 'HTTP 500', lastCollectedAt: '2026-11-28T11:00:00Z' });
const nginx = target('dockerhub:library/nginx', 'nginx', { series: [{ metric: 'pulls' }, { metric: 'stars' }] });
const reference = target('reference:dockerhub', 'Docker Hub (published figures)', { series: [{ metric: 'pulls' }] });
const other = target('ecosystem:github-repos:docker', 'docker repositories', { status: 'not_found' });
const all = [reference, moby, other, compose, nginx];

describe('the targets list', () => {
	it('groups by source in a fixed order: Docker Hub, GitHub, ecosystem, import, reference', () => {
		const groups = groupBySource(all, 'name');
		expect(groups.map((g) => [g.source, g.label, g.targets.map((t) => t.target)])).toEqual([
			['dockerhub', 'Docker Hub', ['dockerhub:library/nginx']],
			['github', 'GitHub', ['github:docker/compose', 'github:moby/moby']],
			['ecosystem', 'Ecosystem', ['ecosystem:github-repos:docker']],
			['reference', 'Reference figures', ['reference:dockerhub']]
		]);
	});

	it('sorts problems first, or the most recently collected first, within a source', () => {
		const healthyFirstByName = [target('github:a/a', 'a'), { ...target('github:z/z', 'z'), status: 'failing' as const }];
		expect(groupBySource(healthyFirstByName, 'status')[0]!.targets.map((t) => t.displayName)).toEqual(['z', 'a']);
		const never = target('github:b/b', 'b');
		expect(groupBySource([moby, never, compose], 'collected')[0]!.targets.map((t) => t.displayName)).toEqual(['docker/compose', 'moby/moby', 'b']);
	});

	it('filters on every word, in name, reference, metric and status, ignoring case', () => {
		expect(filterTargets(all, 'NGINX').map((t) => t.target)).toEqual(['dockerhub:library/nginx']);
		expect(filterTargets(all, 'github pulls')).toEqual([]);
		expect(filterTargets(all, 'pulls').map((t) => t.target)).toEqual(['reference:dockerhub', 'dockerhub:library/nginx']);
		expect(filterTargets(all, 'not found').map((t) => t.target)).toEqual(['ecosystem:github-repos:docker']);
		expect(filterTargets(all, '  ')).toHaveLength(all.length);
	});

	it('keeps a page of a long list in the order it came, grouped by source', () => {
		const page = [target('github:b/b', 'a'), target('dockerhub:x/y', 'z'), target('github:c/c', '0')];
		expect(groupBySource(page, null).map((g) => g.targets.map((t) => t.target))).toEqual([['dockerhub:x/y'], ['github:b/b', 'github:c/c']]);
	});

	it('links the pages of a long list with the filter kept', () => {
		expect(getListPageHref('', null)).toBe('?');
		expect(getListPageHref('moby stars', { after: 'github:moby/moby' })).toBe('?q=moby+stars&after=github%3Amoby%2Fmoby');
		expect(getListPageHref('', { before: 'github:a&b/c' })).toBe('?before=github%3Aa%26b%2Fc');
	});

	it('links each target to its page with the reference readable', () => {
		expect(getTargetHref('github:moby/moby')).toBe('/targets/github:moby/moby');
		expect(getTargetHref('ecosystem:github-repos:docker')).toBe('/targets/ecosystem:github-repos:docker');
		expect(getTargetHref('dockerhub:a b/c')).toBe('/targets/dockerhub:a%20b/c');
	});
});

describe('a refused form post', () => {
	it('says why, from the error the authorisation hook answers with', () => {
		expect(describeRefusal({ error: 'unauthorized', message: 'sign in at /signin or send Authorization: Bearer <ADMIN_TOKEN>' })).toBe(
			'Not allowed: sign in at /signin or send Authorization: Bearer <ADMIN_TOKEN>.'
		);
		expect(describeRefusal({ type: 'error', error: { message: 'Internal Error' } })).toBe('Something went wrong: Internal Error.');
	});

	it('leaves action results alone', () => {
		for (const type of ['success', 'failure', 'redirect']) expect(describeRefusal({ type })).toBeUndefined();
	});
});
