import { sql, type SQL } from 'drizzle-orm';
import type { AlertState, NoDataPolicy, NotificationKind, RuleCondition } from '../../../types/alerts.js';
import { queryRows, type Db } from '../client.js';
import { seriesMatchesScope, targetMatchesScope } from './alert-scope.js';

/**
 * The statements of one alert evaluation, set-based: one reads every alert's samples and stored state,
 * one writes the alerts whose state moved, one the history of the changes. Thousands of rules cost a
 * few index probes each, not a query each. Times in epoch ms.
 */

/** One rule applied to one series it matches: the samples its condition judges and the stored alert. */
export interface AlertProbeRow {
	rule_id: number;
	series_id: number;
	/** How many series the rule's scope matches in all (1 for one series); past the cap, only the first are probed. */
	matched_series: number;
	scope: string;
	series_kind: 'counter' | 'gauge';
	condition: RuleCondition;
	pending_evaluations: number;
	repeat_interval_minutes: number | null;
	no_data: NoDataPolicy;
	snoozed_until_ms: number | null;
	latest_ms: number | null;
	latest_value: number | null;
	window_ms: number | null;
	window_value: number | null;
	previous_ms: number | null;
	previous_value: number | null;
	/** Null when the alert was never stored (a new rule or a new series). */
	state: AlertState | null;
	pending_count: number | null;
	notified_ms: number | null;
	firing_since_ms: number | null;
}

const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);


/**
 * Every enabled rule (or the given ones) with each series it matches: the latest sample (series_latest,
 * one row per series), and for growth rules the samples one and two windows before it, each one backward
 * probe of the samples key.
 * A pattern rule takes at most `maxSeriesPerRule` series, the first by series id (the oldest), so that a
 * pattern that grew after it was saved cannot make one evaluation unbounded; `matched_series` says how
 * many it matches in all.
 */
export function buildAlertProbesQuery(ruleIds: readonly number[] | undefined, maxSeriesPerRule: number): SQL {
	const onlyRules = ruleIds ? sql`and r.id = any(${sql.param([...ruleIds])}::int[])` : sql``;
	return sql`with matched as (
			select r.id as rule_id, s.id as series_id, 1 as matched_series
			from alert_rules r
			join targets t on t.source = r.scope_source and t.key = r.scope_key
			join series s on s.target_id = t.id and s.metric = r.scope_metric
			where r.is_enabled and position('*' in r.scope) = 0 ${onlyRules}
			union all
			select rule_id, series_id, matched_series from (
				select r.id as rule_id, s.id as series_id,
					row_number() over (partition by r.id order by s.id) as n, count(*) over (partition by r.id) as matched_series
				from alert_rules r
				join targets t on ${targetMatchesScope}
				join series s on s.target_id = t.id and ${seriesMatchesScope}
				where r.is_enabled and position('*' in r.scope) > 0 ${onlyRules}
			) p where p.n <= ${Math.trunc(maxSeriesPerRule)}::int
		)
		select m.rule_id, m.series_id, m.matched_series::int as matched_series, r.scope, s.kind as series_kind, r.condition, r.pending_evaluations, r.repeat_interval_minutes, r.no_data,
			${epochMs('r.snoozed_until')} as snoozed_until_ms,
			${epochMs('l.ts')} as latest_ms, l.value as latest_value,
			${epochMs('w.ts')} as window_ms, w.value as window_value,
			${epochMs('p.ts')} as previous_ms, p.value as previous_value,
			i.state, i.pending_count, ${epochMs('i.notified_at')} as notified_ms, ${epochMs('i.firing_since')} as firing_since_ms
		from matched m
		join alert_rules r on r.id = m.rule_id
		join series s on s.id = m.series_id
		left join series_latest l on l.series_id = m.series_id
		left join lateral (
			select ts, value from samples
			where r.condition->>'kind' = 'growth' and series_id = m.series_id
				and ts <= l.ts - make_interval(days => (r.condition->>'windowDays')::int)
			order by ts desc limit 1
		) w on true
		left join lateral (
			select ts, value from samples
			where r.condition->>'compare' = 'previous' and series_id = m.series_id
				and ts <= l.ts - make_interval(days => 2 * (r.condition->>'windowDays')::int)
			order by ts desc limit 1
		) p on true
		left join alert_instances i on i.rule_id = m.rule_id and i.series_id = m.series_id
		order by m.rule_id, m.series_id`;
}

export function listAlertProbes(db: Db, ruleIds: readonly number[] | undefined, maxSeriesPerRule: number): Promise<AlertProbeRow[]> {
	return queryRows<AlertProbeRow>(db, buildAlertProbesQuery(ruleIds, maxSeriesPerRule));
}

/**
 * Serialises evaluations until the transaction ends, so that an evaluation after a collection run and
 * a scheduled one cannot step the same alerts twice.
 */
export async function lockAlertEvaluation(tx: Db): Promise<void> {
	await tx.execute(sql`select pg_advisory_xact_lock(hashtext('dockpulse:alerts'))`);
}

/** An alert's state after an evaluation. */
export interface AlertInstanceWrite {
	ruleId: number;
	seriesId: number;
	state: AlertState;
	pendingCount: number;
	notifiedAtMs: number | null;
	firingSinceMs: number | null;
	lastValue: number | null;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Writes the given alerts' states, all in one statement. */
export async function upsertAlertInstances(tx: Db, instances: readonly AlertInstanceWrite[], evaluatedAtMs: number): Promise<void> {
	if (instances.length === 0) return;
	await tx.execute(sql`insert into alert_instances (rule_id, series_id, state, pending_count, notified_at, firing_since, last_value, evaluated_at)
		select u.rule_id, u.series_id, u.state, u.pending_count, u.notified_at, u.firing_since, u.last_value, ${new Date(evaluatedAtMs).toISOString()}::timestamptz
		from unnest(
			${sql.param(instances.map((i) => i.ruleId))}::int[], ${sql.param(instances.map((i) => i.seriesId))}::int[],
			${sql.param(instances.map((i) => i.state))}::text[], ${sql.param(instances.map((i) => i.pendingCount))}::int[],
			${sql.param(instances.map((i) => isoOrNull(i.notifiedAtMs)))}::timestamptz[],
			${sql.param(instances.map((i) => isoOrNull(i.firingSinceMs)))}::timestamptz[],
			${sql.param(instances.map((i) => i.lastValue))}::float8[]
		) as u(rule_id, series_id, state, pending_count, notified_at, firing_since, last_value)
		on conflict (rule_id, series_id) do update set state = excluded.state, pending_count = excluded.pending_count,
			notified_at = excluded.notified_at, firing_since = excluded.firing_since, last_value = excluded.last_value,
			evaluated_at = excluded.evaluated_at`);
}

/** A state change of one alert, or a notification it asked for. */
export interface AlertEventWrite {
	ruleId: number;
	seriesId: number;
	from: AlertState;
	to: AlertState;
	notify: NotificationKind | null;
	value: number | null;
}

/** Writes the history of an evaluation, all in one statement; returns each event's id. */
export function insertAlertEvents(tx: Db, changes: readonly AlertEventWrite[], atMs: number): Promise<{ id: number; notify: NotificationKind | null }[]> {
	if (changes.length === 0) return Promise.resolve([]);
	return queryRows<{ id: number; notify: NotificationKind | null }>(
		tx,
		sql`insert into alert_events (rule_id, series_id, at, from_state, to_state, notify, value)
			select u.rule_id, u.series_id, ${new Date(atMs).toISOString()}::timestamptz, u.from_state, u.to_state, u.notify, u.value
			from unnest(
				${sql.param(changes.map((c) => c.ruleId))}::int[], ${sql.param(changes.map((c) => c.seriesId))}::int[],
				${sql.param(changes.map((c) => c.from))}::text[], ${sql.param(changes.map((c) => c.to))}::text[],
				${sql.param(changes.map((c) => c.notify))}::text[], ${sql.param(changes.map((c) => c.value))}::float8[]
			) as u(rule_id, series_id, from_state, to_state, notify, value)
			returning id, notify`
	);
}
