import { describe, expect, it } from 'vitest';
import { parseTargetInput } from '../../src/lib/target-input.js';

describe('adding a target by reference or URL', () => {
	it.each([
		['github:moby/moby', 'github', 'moby/moby'],
		['https://github.com/docker/compose', 'github', 'docker/compose'],
		['https://github.com/docker/compose.git', 'github', 'docker/compose'],
		['https://github.com/moby/moby/pulls?q=is%3Aopen', 'github', 'moby/moby'],
		['https://hub.docker.com/_/nginx', 'dockerhub', 'library/nginx'],
		['https://hub.docker.com/r/grafana/grafana/tags', 'dockerhub', 'grafana/grafana'],
		['https://hub.docker.com/u/falcosecurity', 'dockerhub', 'falcosecurity'],
		['  dockerhub:library/redis  ', 'dockerhub', 'library/redis']
	])('reads %s', (input, source, key) => {
		expect(parseTargetInput(input)).toEqual({ ok: true, value: { source, key } });
	});

	it.each(['https://gitlab.com/a/b', 'https://github.com/moby', 'http://[bad', 'moby/moby'])('refuses %s with a reason', (input) => {
		const result = parseTargetInput(input);
		expect(result.ok).toBe(false);
	});
});
