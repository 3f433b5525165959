import { z } from 'zod';
import { toWebLink } from '../../../../src/lib/web-links.js';
import { CollectorError } from '../../errors.js';

/**
 * The listings the history backfill reads, validated with only the fields it uses.
 * https://docs.github.com/en/rest/activity/starring#list-stargazers (with the star media type)
 * https://docs.github.com/en/rest/releases/releases#list-releases
 */

// Without the star media type GitHub answers plain users, without starred_at: that is refused here.
const stargazersSchema = z.array(z.object({ starred_at: z.iso.datetime({ offset: true }) }));

// A draft has no published_at (and is listed only to those who can push).
const releasesSchema = z.array(
	z.object({
		tag_name: z.string().min(1),
		published_at: z.iso.datetime({ offset: true }).nullable(),
		// Rendered as a link on the charts: only http(s) is kept; anything else leaves the release unlinked.
		html_url: z.string().nullish().transform(toWebLink),
		draft: z.boolean().optional()
	})
);

// GET /repos/{o}/{r}/stargazers/history (API version 2026-03-10): weeks newest first; `week` is the
// week's start as Unix seconds, `days` the stars created on each day from Sunday. `total` is not read.
// https://docs.github.com/rest/activity/starring#get-repository-star-history
const starHistorySchema = z.array(
	z.object({
		week: z.number().int().nonnegative(),
		days: z.array(z.number().int().nonnegative()).length(7)
	})
);

export interface StarHistoryWeek {
	/** Start of the week, Unix seconds; GitHub does not promise it falls on a UTC midnight. */
	week: number;
	/** Stars created on each day of the week, Sunday first. */
	days: number[];
}

export interface PublishedRelease {
	tag: string;
	publishedAt: Date;
	/** An http(s) URL, or null. */
	url: string | null;
}

function parseWith<T>(schema: z.ZodType<T>, payload: unknown, what: string): T {
	const parsed = schema.safeParse(payload);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	throw new CollectorError('invalidResponse', `${what}: unexpected answer (${issue?.path.join('.') || 'body'}: ${issue?.message})`);
}

/** The starred_at of each stargazer on a page, in GitHub's order (oldest star first). */
export function parseStargazerDates(payload: unknown, what: string): string[] {
	return parseWith(stargazersSchema, payload, what).map((s) => s.starred_at);
}

/** The published releases on a page; drafts are left out. */
export function parsePublishedReleases(payload: unknown, what: string): PublishedRelease[] {
	return parseWith(releasesSchema, payload, what).flatMap((r) =>
		r.published_at && !r.draft ? [{ tag: r.tag_name, publishedAt: new Date(r.published_at), url: r.html_url }] : []
	);
}

/** The weeks of one star history page, in GitHub's order (newest week first). */
export function parseStarHistory(payload: unknown, what: string): StarHistoryWeek[] {
	return parseWith(starHistorySchema, payload, what);
}

/** Whether a listing continues: GitHub's link header names a next page until the last one. */
export function hasNextPage(link: string | undefined): boolean {
	return /rel="next"/.test(link ?? '');
}
