/**
 * Citations are plain text with URLs in them ("... slides: https://www.slideshare.net/..."); the page
 * shows each URL as a link. Browser-safe.
 */

export type CitationPart = { kind: 'text'; text: string } | { kind: 'link'; href: string };

// A URL runs to the next whitespace; a trailing ; , . or ) belongs to the sentence, not the URL.
const urlPattern = /https?:\/\/[^\s]+?(?=[;,.)]*(?:\s|$))/g;

export function splitCitation(text: string): CitationPart[] {
	const parts: CitationPart[] = [];
	let last = 0;
	for (const match of text.matchAll(urlPattern)) {
		if (match.index > last) parts.push({ kind: 'text', text: text.slice(last, match.index) });
		parts.push({ kind: 'link', href: match[0] });
		last = match.index + match[0].length;
	}
	if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
	return parts;
}
