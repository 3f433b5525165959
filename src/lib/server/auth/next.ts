/**
 * Where sign-in sends the browser afterwards: only somewhere on this site, or a link could make the
 * sign-in page an open redirect. The text is resolved the way a browser resolves a Location header
 * (`new URL(next, origin)`), so `/\evil.com` and `/<TAB>/evil.com`, which browsers read as
 * `//evil.com`, resolve to another origin and are refused like `//evil.com` and `https://evil.com`.
 */
export function resolveNextPath(next: string, origin: string): string {
	let url: URL;
	try {
		url = new URL(next, origin);
	} catch {
		return '/';
	}
	if (url.origin !== new URL(origin).origin) return '/';
	const path = `${url.pathname}${url.search}${url.hash}`;
	// A path that starts with two slashes (from `/.//evil.com`) is itself a link to another host.
	return path.startsWith('//') ? '/' : path;
}
