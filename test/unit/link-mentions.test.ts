import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repositorySchema, toRepositoryObservation } from '../../jobs/collectors/dockerhub/parse.js';
import { parseRestRepository, repositoryCountsSchema, toRepositoryObservation as toGithubObservation } from '../../jobs/collectors/github/parse.js';
import { findDockerHubImages, findGithubRepositories, maxMentions } from '../../src/lib/server/links/mentions.js';

const perceval = JSON.parse(readFileSync('test/fixtures/dockerhub/perceval-dockerhub_repository_1.json', 'utf8'));
const kubernetes = JSON.parse(readFileSync('test/fixtures/github/perceval-github_repo.json', 'utf8'));

describe('GitHub repositories named in a Docker Hub image description', () => {
	it('finds the repository a real README links to, once, from its clone and tree URLs', () => {
		// Recorded answer for grimoirelab/perceval: its full_description links .../perceval/tree/... and .../perceval.git.
		const observation = toRepositoryObservation(repositorySchema.parse(perceval));
		expect(observation.metadata.githubRepositories).toEqual(['grimoirelab/perceval']);
	});

	it('reads links with or without a scheme, lower-cased, trailing dots and .git removed', () => {
		const text = 'Source: https://github.com/Moby/Moby. Also see github.com/docker/compose.git and http://www.github.com/a-b/c_d.e';
		expect(findGithubRepositories(text)).toEqual(['moby/moby', 'docker/compose', 'a-b/c_d.e']);
	});

	it('ignores GitHub pages that are no repository and hosts that only end in github.com', () => {
		const text = [
			'https://github.com/sponsors/someone',
			'https://github.com/orgs/docker/people',
			'https://gist.github.com/someone/abc123',
			'https://raw.githubusercontent.com/a/b/main/x',
			'https://notgithub.com/a/b',
			'https://github.com/onlyowner'
		].join(' ');
		expect(findGithubRepositories(text)).toEqual([]);
	});

	it('takes the short description and the README together, and keeps at most a handful', () => {
		expect(findGithubRepositories('built from github.com/a/one', null, undefined, 'docs at github.com/b/two')).toEqual(['a/one', 'b/two']);
		const many = Array.from({ length: maxMentions + 5 }, (_, i) => `https://github.com/o/r${i}`).join('\n');
		expect(findGithubRepositories(many)).toHaveLength(maxMentions);
	});

	it('finds nothing in an answer without descriptions (a namespace listing may have none)', () => {
		const observation = toRepositoryObservation(repositorySchema.parse({ name: 'x', namespace: 'y', pull_count: 1, star_count: 0 }));
		expect(observation.metadata.githubRepositories).toEqual([]);
	});
});

describe('Docker Hub images named by a GitHub repository homepage', () => {
	it('reads /r/<ns>/<image> and official /_/<image> pages, tabs and queries ignored', () => {
		expect(findDockerHubImages('https://hub.docker.com/r/Grafana/grafana/tags')).toEqual(['grafana/grafana']);
		expect(findDockerHubImages('https://hub.docker.com/_/nginx?tab=description')).toEqual(['library/nginx']);
		expect(findDockerHubImages('hub.docker.com/r/portainer/portainer-ce.')).toEqual(['portainer/portainer-ce']);
	});

	it('ignores other Docker pages and a homepage that is not on Docker Hub', () => {
		expect(findDockerHubImages('https://hub.docker.com/u/grafana')).toEqual([]);
		expect(findDockerHubImages('https://docs.docker.com/r/a/b https://kubernetes.io')).toEqual([]);
		expect(findDockerHubImages(null)).toEqual([]);
	});

	it('is read from the REST answer (recorded kubernetes: homepage kubernetes.io names no image) and from GraphQL homepageUrl', () => {
		expect(parseRestRepository(kubernetes, 'kubernetes/kubernetes').dockerhubImages).toEqual([]);
		const withHomepage = parseRestRepository({ ...kubernetes, homepage: 'https://hub.docker.com/r/kindest/node' }, 'kubernetes/kind');
		expect(withHomepage.dockerhubImages).toEqual(['kindest/node']);
		const counts = repositoryCountsSchema.parse({
			stargazerCount: 1,
			forkCount: 0,
			watchers: { totalCount: 0 },
			issues: { totalCount: 0 },
			releases: { totalCount: 0 },
			latestRelease: null,
			homepageUrl: 'https://hub.docker.com/_/redis'
		});
		expect(toGithubObservation(counts).metadata.dockerhubImages).toEqual(['library/redis']);
	});
});
