/**
 * A URL taken from a source (a release's html_url, a stored event's link) as something safe to render
 * as a link: only http and https. A `javascript:` or `data:` URL, or text that is no URL, gives null and
 * is shown as plain text. Browser-safe: the same check serves the server's views and the pages.
 */
export function toWebLink(value: string | null | undefined): string | null {
	if (!value) return null;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return null;
	}
	return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}
