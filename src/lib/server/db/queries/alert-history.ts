import { sql } from 'drizzle-orm';
import type { HistoryEntry } from '../../../types/alerts.js';
import { queryRows, type Db } from '../client.js';

export interface AlertEventRow extends Omit<HistoryEntry, 'at' | 'deliveries'> {
	at_ms: number;
	/** Null when the event asked for no notification. */
	deliveries: HistoryEntry['deliveries'] | null;
}

/** Alert events (state changes and notifications), newest first, each with its deliveries' outcomes. */
export function listAlertEvents(db: Db, options: { ruleId?: number; limit: number }): Promise<AlertEventRow[]> {
	const onlyRule = options.ruleId === undefined ? sql`` : sql`where e.rule_id = ${options.ruleId}`;
	return queryRows<AlertEventRow>(
		db,
		sql`select e.id, (extract(epoch from e.at) * 1000)::float8 as at_ms, e.rule_id as "ruleId", r.name as "ruleName",
				t.source || ':' || t.key || ':' || s.metric as series, e.from_state as from, e.to_state as to, e.notify, e.value,
				(select json_agg(json_build_object('channel', d.channel, 'destination', d.destination, 'status', d.status,
						'attempts', d.attempts, 'lastDetail', d.log -> -1 ->> 'detail') order by d.id)
					from alert_deliveries d where d.event_id = e.id) as deliveries
			from alert_events e join alert_rules r on r.id = e.rule_id join series s on s.id = e.series_id join targets t on t.id = s.target_id
			${onlyRule}
			order by e.at desc, e.id desc limit ${options.limit}`
	);
}
