/**
 * Where a Docker Hub image and a GitHub repository name each other: an image's description or README
 * (Docker Hub's `description` and `full_description`) linking to github.com/<owner>/<name>, or a
 * repository's homepage pointing at hub.docker.com/r/<ns>/<image> (or /_/<image>, an official one).
 * The collectors keep only what these find, in the target's metadata (a README is kilobytes; the
 * pairs it names are a few words), and the link suggestions are read from there. Pure.
 */

/** At most this many mentions are kept per target: a README listing every plugin suggests nothing useful. */
export const maxMentions = 20;

// Owner: GitHub's user and organisation names (letters, digits, single hyphens); name: letters, digits, . _ -.
// Only github.com itself (or www.): gist.github.com and raw.githubusercontent.com are not repositories.
const githubUrl = /(?<![\w.-])(?:https?:\/\/)?(?:www\.)?github\.com\/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})/gi;
// Paths under github.com that are GitHub's own pages, not an owner.
const reservedOwners = new Set(['about', 'apps', 'collections', 'contact', 'features', 'login', 'marketplace', 'orgs', 'pricing', 'settings', 'site', 'sponsors', 'topics', 'users']);

const hubUrl = /(?<![\w.-])(?:https?:\/\/)?hub\.docker\.com\/(?:r\/([a-z0-9][a-z0-9._-]{0,254})|(_))\/([a-z0-9][a-z0-9._-]{0,254})/gi;

function keepFirst(found: string[]): string[] {
	return [...new Set(found)].slice(0, maxMentions);
}

/** `owner/name` (lower-case, as GitHub compares them) of every github.com repository URL in the texts. */
export function findGithubRepositories(...texts: (string | null | undefined)[]): string[] {
	const found: string[] = [];
	for (const text of texts) {
		for (const match of (text ?? '').matchAll(githubUrl)) {
			const owner = match[1]!.toLowerCase();
			// A sentence may end right after the URL, and a clone URL ends in .git.
			const name = match[2]!.replace(/\.git$/i, '').replace(/[.]+$/, '').toLowerCase();
			if (reservedOwners.has(owner) || name === '' || name === '.' || name === '..') continue;
			found.push(`${owner}/${name}`);
		}
	}
	return keepFirst(found);
}

/** `<namespace>/<image>` (`library/<image>` for /_/) of every hub.docker.com image URL in the texts. */
export function findDockerHubImages(...texts: (string | null | undefined)[]): string[] {
	const found: string[] = [];
	for (const text of texts) {
		for (const match of (text ?? '').matchAll(hubUrl)) {
			const namespace = match[2] ? 'library' : match[1]!.toLowerCase();
			const image = match[3]!.replace(/[.]+$/, '').toLowerCase();
			if (image !== '') found.push(`${namespace}/${image}`);
		}
	}
	return keepFirst(found);
}
