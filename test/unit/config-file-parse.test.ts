import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultFeaturedSeries } from '../../src/lib/server/config.js';
import { ConfigFileError, eventIdentity, parseConfigFile } from '../../src/lib/server/config-file/parse.js';
import { defaultWatchlist } from '../../src/lib/server/targets/watchlist.js';
import { formatSeriesRef, formatTargetRef } from '../../src/lib/refs.js';
import { exampleConfigFile } from '../helpers/config-example.js';

const problemsOf = (text: string, env: Record<string, string> = {}): string[] => {
	try {
		parseConfigFile('test.yaml', text, env);
	} catch (error) {
		if (error instanceof ConfigFileError) return error.problems;
		throw error;
	}
	throw new Error('expected the file to be refused');
};

const issueExample = exampleConfigFile();

describe('configuration file parsing', () => {
	it("reads the issue's example, with the webhook URL from the environment", () => {
		const d = parseConfigFile('x.yaml', issueExample, { SLACK_WEBHOOK_URL: 'https://hooks.example.com/T1/B2' });
		expect(d.targets.map((t) => [formatTargetRef(t.ref), t.exclude])).toEqual([
			['github:moby/moby', []],
			['dockerhub:library', ['library/hello-world']]
		]);
		expect(d.featured?.map(formatSeriesRef)).toEqual(['github:moby/moby:stars', 'dockerhub:library/nginx:pulls']);
		expect(d.events[0]).toMatchObject({ label: 'DockerCon 2015', date: new Date('2015-06-22T00:00:00Z'), target: { source: 'github', key: 'moby/moby' } });
		expect(d.alerts[0]!.channels.webhooks).toEqual([{ url: 'https://hooks.example.com/T1/B2', format: 'slack' }]);
	});

	it('reads JSON, which is YAML too', () => {
		const d = parseConfigFile('x.json', JSON.stringify({ targets: [{ ref: 'github:docker/cli' }] }), {});
		expect(d.targets.map((t) => formatTargetRef(t.ref))).toEqual(['github:docker/cli']);
	});

	it('reports each bad value with its line and path', () => {
		const problems = problemsOf(`targets:
  - ref: github:moby/moby
  - ref: nowhere:thing
events:
  - {date: 2015-06-22}
alerts:
  - name: x
    scope: github:moby/moby:stars
    condition: {kind: milestone, value: lots}
`);
		expect(problems).toEqual([
			expect.stringMatching(/^line 3: targets\.1\.ref: .*unknown source "nowhere"/),
			expect.stringMatching(/^line 5: events\.0\.label: /),
			expect.stringMatching(/^line 9: alerts\.0\.condition\.value: /)
		]);
	});

	it('refuses unknown keys, items declared twice and exclusions outside the namespace, at their lines', () => {
		expect(problemsOf('targets:\n  - ref: github:moby/moby\n  - ref: github:moby/moby\n')).toEqual(['line 3: targets.1: target github:moby/moby is declared twice']);
		expect(problemsOf('targetz: []\n')).toEqual([expect.stringMatching(/^line 1: .*targetz/)]);
		expect(problemsOf('targets:\n  - ref: dockerhub:library\n    exclude: [bitnami/nginx]\n')).toEqual([
			'line 3: targets.0.exclude.0: exclude lists images of a Docker Hub namespace (library/<name>)'
		]);
		expect(problemsOf('targets:\n  - ref: dockerhub:library\n    exclude: [library/redis]\n  - ref: dockerhub:library/redis\n')).toEqual([
			'line 3: targets.0.exclude.0: library/redis is excluded and declared as a target'
		]);
	});

	it('refuses a YAML syntax error with its line', () => {
		expect(problemsOf('targets:\n  - ref: github:moby/moby\n bad: x\n')).toEqual(['line 3: All mapping items must start at the same column']);
	});

	it('refuses an unset ${VAR} with its line, and names the variable', () => {
		expect(problemsOf('events:\n  - {date: 2015-06-22, label: "${EVENT_LABEL}"}\n')).toEqual(['line 2: ${EVENT_LABEL} is not set in the environment']);
		const d = parseConfigFile('x.yaml', 'events:\n  - {date: 2015-06-22, label: "Launch ${WHAT}"}\n', { WHAT: 'day' });
		expect(d.events[0]!.label).toBe('Launch day');
	});

	it('refuses a webhook URL written inline, with its line, and does not echo it', () => {
		const inline = issueExample.replace('${SLACK_WEBHOOK_URL}', 'https://hooks.slack.com/services/T0/B0/secretpart');
		const problems = problemsOf(inline);
		expect(problems).toEqual([expect.stringMatching(/^line 12: alerts\.0\.channels\.webhooks\.0\.url: a webhook URL is a secret/)]);
		expect(problems.join('\n')).not.toContain('secretpart');
		// A reference with text around it is inline too: part of the secret would sit in the file.
		expect(problemsOf(issueExample.replace('${SLACK_WEBHOOK_URL}', 'https://hooks.slack.com/${PART}'), { PART: 'x' })).toHaveLength(1);
	});

	it('tells events apart by date (or instant, when not at midnight), label and target', () => {
		expect(eventIdentity({ date: new Date('2015-06-22T00:00:00Z'), label: 'DockerCon' })).toBe('2015-06-22 "DockerCon"');
		expect(eventIdentity({ date: new Date('2015-06-22T09:30:00Z'), label: 'DockerCon', target: { source: 'github', key: 'moby/moby' } })).toBe(
			'2015-06-22T09:30:00.000Z "DockerCon" (github:moby/moby)'
		);
	});

	it('reads a scorecard section: a row measured by other series, a sum, or distinct contributors across repositories', () => {
		const d = parseConfigFile(
			'x.yaml',
			`scorecard:
  contributors: {distinctContributors: [github:moby/moby, "github:docker/cli"]}
  container-downloads: {sum: ["dockerhub:library/*:pulls", dockerhub:bitnami/redis:pulls]}
  github-projects: {series: [ecosystem:github-repos:docker:repositories]}
`,
			{}
		);
		expect(d.scorecard).toEqual({
			contributors: { kind: 'distinctContributors', repositories: ['github:moby/moby', 'github:docker/cli'] },
			'container-downloads': { kind: 'sum', selectors: ['dockerhub:library/*:pulls', 'dockerhub:bitnami/redis:pulls'] },
			'github-projects': { kind: 'series', candidates: ['ecosystem:github-repos:docker:repositories'] }
		});
		expect(parseConfigFile('x.yaml', 'targets: []\n', {}).scorecard).toBeUndefined();
	});

	it('refuses unknown scorecard rows and bad references at their lines', () => {
		const problems = problemsOf(`scorecard:
  contributors: {series: [github:moby/moby:contributors]}
  contributor: {series: [github:moby/moby:contributors]}
  github-projects: {series: ["ecosystem:github-repos:*:repositories"]}
  container-downloads: {sum: [nowhere:x:pulls]}
  hub-repositories: {sum: [], series: [github:a/b:stars]}
  hub-pulls-total:
    distinctContributors: [dockerhub:library/nginx]
  hub-users: {series: [github:moby/moby:stars], sum: [github:moby/moby:stars]}
  job-offers: {count: [github:moby/moby:stars]}
`);
		expect(problems).toEqual([
			expect.stringMatching(/^line 3: scorecard\.contributor: no scorecard row "contributor" \(rows: contributors, github-projects, /),
			// A pattern is a sum's, not a series'.
			expect.stringMatching(/^line 4: scorecard\.github-projects\.series\.0: "github-repos:\*" is not a valid key/),
			expect.stringMatching(/^line 5: scorecard\.container-downloads\.sum\.0: unknown source "nowhere"/),
			'line 6: scorecard.hub-repositories.sum: list at least one',
			'line 8: scorecard.hub-pulls-total.distinctContributors.0: expected a GitHub repository github:<owner>/<name>',
			'line 9: scorecard.hub-users: give exactly one of series, sum or distinctContributors',
			'line 10: scorecard.job-offers: Unrecognized key: "count"',
			'line 10: scorecard.job-offers: give exactly one of series, sum or distinctContributors'
		]);
		expect(problemsOf('scorecard:\n  contributors: {series: [github:moby/moby:contributors]}\n  contributors: {series: [github:moby/moby:stars]}\n')).toEqual([
			'line 3: Map keys must be unique'
		]);
	});

	it('the example file declares exactly the default watchlist and featured series', () => {
		const text = readFileSync(new URL('../../config/dockpulse.example.yaml', import.meta.url), 'utf8');
		const d = parseConfigFile('example', text, {});
		expect(d.targets.map((t) => formatTargetRef(t.ref))).toEqual(defaultWatchlist.map(formatTargetRef));
		expect(d.featured?.map(formatSeriesRef)).toEqual(defaultFeaturedSeries);
	});
});
