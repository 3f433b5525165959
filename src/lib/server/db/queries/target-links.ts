import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { LinkOrigin } from '../schema/index.js';

/** Links between Docker Hub images and GitHub repositories, and the pairs their metadata suggests. */

export interface LinkRow {
	hub_key: string;
	hub_name: string;
	github_key: string;
	github_name: string;
	origin: LinkOrigin;
	created_ms: number;
}

export interface SuggestionRow {
	hub_key: string;
	hub_name: string;
	github_key: string;
	github_name: string;
	/** description: the image's Docker Hub texts name the repository; homepage: the repository's homepage names the image. */
	reason: 'description' | 'homepage';
}

export type InsertLinkOutcome = { outcome: 'linked' | 'exists' } | { outcome: 'taken'; githubKey: string };

/**
 * Links an image to a repository. Idempotent: the same pair again is `exists`; an image already
 * linked to another repository is `taken` (and left as it is), since an image has one repository.
 */
export async function insertTargetLink(db: Db, hubTargetId: number, githubTargetId: number, origin: LinkOrigin): Promise<InsertLinkOutcome> {
	const inserted = await queryRows<{ hub_target_id: number }>(
		db,
		sql`insert into target_links (hub_target_id, github_target_id, origin)
			values (${hubTargetId}, ${githubTargetId}, ${origin})
			on conflict (hub_target_id) do nothing
			returning hub_target_id`
	);
	if (inserted.length > 0) return { outcome: 'linked' };
	const [existing] = await queryRows<{ github_target_id: number; github_key: string }>(
		db,
		sql`select l.github_target_id, g.key as github_key
			from target_links l join targets g on g.id = l.github_target_id
			where l.hub_target_id = ${hubTargetId}`
	);
	// Removed between the two statements: the caller may simply try again.
	if (!existing) return insertTargetLink(db, hubTargetId, githubTargetId, origin);
	return Number(existing.github_target_id) === githubTargetId ? { outcome: 'exists' } : { outcome: 'taken', githubKey: existing.github_key };
}

/** Removes the link of this image to this repository; false when there was none. */
export async function deleteTargetLink(db: Db, hubTargetId: number, githubTargetId: number): Promise<boolean> {
	const deleted = await queryRows<{ hub_target_id: number }>(
		db,
		sql`delete from target_links where hub_target_id = ${hubTargetId} and github_target_id = ${githubTargetId} returning hub_target_id`
	);
	return deleted.length > 0;
}

/** Every link, or those of one target (either end), by image. */
export function listTargetLinks(db: Db, targetId?: number): Promise<LinkRow[]> {
	const ofTarget = targetId === undefined ? sql`` : sql`where l.hub_target_id = ${targetId} or l.github_target_id = ${targetId}`;
	return queryRows<LinkRow>(
		db,
		sql`select h.key as hub_key, h.display_name as hub_name, g.key as github_key, g.display_name as github_name, l.origin,
				(extract(epoch from l.created_at) * 1000)::float8 as created_ms
			from target_links l
			join targets h on h.id = l.hub_target_id
			join targets g on g.id = l.github_target_id
			${ofTarget}
			order by h.key`
	);
}

/** The repository an image is linked to, or undefined. */
export async function getLinkOfImage(db: Db, hubKey: string): Promise<LinkRow | undefined> {
	const [row] = await queryRows<LinkRow>(
		db,
		sql`select h.key as hub_key, h.display_name as hub_name, g.key as github_key, g.display_name as github_name, l.origin,
				(extract(epoch from l.created_at) * 1000)::float8 as created_ms
			from targets h
			join target_links l on l.hub_target_id = h.id
			join targets g on g.id = l.github_target_id
			where h.source = 'dockerhub' and h.key = ${hubKey}`
	);
	return row;
}

// A metadata list of mentions, or none when the key is missing or not an array (metadata is free-form jsonb).
const mentions = (column: SQL) =>
	sql`jsonb_array_elements_text(case when jsonb_typeof(${column}) = 'array' then ${column} else '[]'::jsonb end)`;

/**
 * Tracked image and repository pairs that name each other in what the collectors stored (metadata
 * githubRepositories of an image, dockerhubImages of a repository), leaving out images already linked;
 * of one target when given. GitHub compares owner and name without case, so the keys are compared
 * lower-cased (the mentions are stored lower-cased). A pair named both ways comes twice, once per reason.
 */
export function listLinkSuggestions(db: Db, targetId?: number): Promise<SuggestionRow[]> {
	const ofTarget = targetId === undefined ? sql`` : sql`and (pair.hub_id = ${targetId} or pair.github_id = ${targetId})`;
	return queryRows<SuggestionRow>(
		db,
		sql`select pair.hub_key, pair.hub_name, pair.github_key, pair.github_name, pair.reason
			from (
				select h.id as hub_id, h.key as hub_key, h.display_name as hub_name,
					g.id as github_id, g.key as github_key, g.display_name as github_name, 'description' as reason
				from targets h
				cross join lateral ${mentions(sql`h.metadata -> 'githubRepositories'`)} as m(key)
				join targets g on g.source = 'github' and lower(g.key) = m.key
				where h.source = 'dockerhub'
				union all
				select h.id, h.key, h.display_name, g.id, g.key, g.display_name, 'homepage'
				from targets g
				cross join lateral ${mentions(sql`g.metadata -> 'dockerhubImages'`)} as m(key)
				join targets h on h.source = 'dockerhub' and h.key = m.key
				where g.source = 'github'
			) pair
			where not exists (select 1 from target_links l where l.hub_target_id = pair.hub_id) ${ofTarget}
			order by pair.hub_key, pair.github_key, pair.reason`
	);
}
