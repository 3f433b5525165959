import { sql } from 'drizzle-orm';

/**
 * How a rule's scope pattern (`github:moby/*:stars`, `*:*:pulls`) matches series in SQL, for queries
 * that join `alert_rules r`, `targets t` and `series s`: `*` in the key is any text, and LIKE's own
 * wildcards in a key are taken literally.
 */
const scopeKeyLike = sql`replace(replace(replace(replace(r.scope_key, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')`;

export const targetMatchesScope = sql`(r.scope_source = '*' or t.source = r.scope_source) and t.key like ${scopeKeyLike} escape '\\'`;
export const seriesMatchesScope = sql`(r.scope_metric = '*' or s.metric = r.scope_metric)`;
