import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { targets } from './targets.js';

export const linkOrigins = ['manual', 'suggested'] as const;
export type LinkOrigin = (typeof linkOrigins)[number];

/**
 * A Docker Hub image paired with the GitHub repository it is built from, so that series can be
 * derived from both (pulls per star). One repository per image (the primary key): a derived series is
 * named by its image alone, so its divisor must be one. A repository may back several images.
 * That the two ends are an image and a repository is checked by the one writer (links/links.ts).
 */
export const targetLinks = pgTable(
	'target_links',
	{
		hubTargetId: integer('hub_target_id')
			.primaryKey()
			.references(() => targets.id, { onDelete: 'cascade' }),
		githubTargetId: integer('github_target_id')
			.notNull()
			.references(() => targets.id, { onDelete: 'cascade' }),
		// suggested: accepted from a suggestion (the two named each other); manual: paired by hand.
		origin: text('origin', { enum: linkOrigins }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		// The repository's side: its links listed, and the cascade when it is removed.
		index('target_links_github_idx').on(t.githubTargetId),
		check('target_links_origin_ck', sql`${t.origin} in ('manual', 'suggested')`)
	]
);
