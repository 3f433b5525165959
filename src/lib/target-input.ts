import { parseTargetRef, type ParseResult, type TargetRef } from './refs.js';

/**
 * What an analyst may paste to add a target: a reference (`github:moby/moby`, `dockerhub:library/nginx`)
 * or the page's URL on Docker Hub or GitHub. Browser-safe: the targets page checks input as it is typed.
 */
export function parseTargetInput(input: string): ParseResult<TargetRef> {
	const text = input.trim();
	let url: URL | undefined;
	try {
		url = /^https?:\/\//i.test(text) ? new URL(text) : undefined;
	} catch {
		return { ok: false, message: `"${text}" is not a valid URL` };
	}
	if (!url) return parseTargetRef(text);
	const parts = url.pathname.split('/').filter(Boolean);
	const host = url.hostname.replace(/^www\./, '');
	if (host === 'github.com' && parts.length >= 2) return parseTargetRef(`github:${parts[0]}/${parts[1]!.replace(/\.git$/, '')}`);
	if (host === 'hub.docker.com') {
		// hub.docker.com/_/nginx (official image), /r/<ns>/<name> (image), /u/<ns> (namespace)
		if (parts[0] === '_' && parts[1]) return parseTargetRef(`dockerhub:library/${parts[1]}`);
		if (parts[0] === 'r' && parts[1] && parts[2]) return parseTargetRef(`dockerhub:${parts[1]}/${parts[2]}`);
		if ((parts[0] === 'u' || parts[0] === 'orgs') && parts[1]) return parseTargetRef(`dockerhub:${parts[1]}`);
	}
	return { ok: false, message: `cannot tell a Docker Hub image or GitHub repository from ${text}` };
}
