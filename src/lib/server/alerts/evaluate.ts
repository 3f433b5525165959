import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.js';
import { enqueueDeliveries } from './deliver.js';
import type { RuleCondition } from './rules.js';
import { judgeCondition } from './rules.js';
import { stepAlert, type AlertMemory, type AlertState, type NoDataPolicy, type NotificationKind } from './state.js';

/**
 * Evaluates every enabled rule on every series it matches, set-based: one statement reads each
 * alert's samples (the latest, and for growth rules the samples one and two windows before it) with
 * its stored state; the state machine steps each alert in memory; one transaction writes the new
 * states and the history. Thousands of rules cost a few index probes each, not a query each.
 */

interface ProbeRow {
	rule_id: number;
	series_id: number;
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
	state: AlertState | null;
	pending_count: number | null;
	notified_ms: number | null;
	firing_since_ms: number | null;
}

const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

// A scope key with '*' is a LIKE pattern once LIKE's own wildcards and escape are escaped.
const scopeKeyLike = sql`replace(replace(replace(replace(r.scope_key, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')`;

export function buildAlertProbesQuery(ruleIds?: readonly number[]): SQL {
	const onlyRules = ruleIds ? sql`and r.id = any(${sql.param([...ruleIds])}::int[])` : sql``;
	return sql`with matched as (
			select r.id as rule_id, s.id as series_id
			from alert_rules r
			join targets t on t.source = r.scope_source and t.key = r.scope_key
			join series s on s.target_id = t.id and s.metric = r.scope_metric
			where r.is_enabled and position('*' in r.scope) = 0 ${onlyRules}
			union all
			select r.id, s.id
			from alert_rules r
			join targets t on (r.scope_source = '*' or t.source = r.scope_source) and t.key like ${scopeKeyLike} escape '\\'
			join series s on s.target_id = t.id and (r.scope_metric = '*' or s.metric = r.scope_metric)
			where r.is_enabled and position('*' in r.scope) > 0 ${onlyRules}
		)
		select m.rule_id, m.series_id, r.condition, r.pending_evaluations, r.repeat_interval_minutes, r.no_data,
			${epochMs('r.snoozed_until')} as snoozed_until_ms,
			${epochMs('l.ts')} as latest_ms, l.value as latest_value,
			${epochMs('w.ts')} as window_ms, w.value as window_value,
			${epochMs('p.ts')} as previous_ms, p.value as previous_value,
			i.state, i.pending_count, ${epochMs('i.notified_at')} as notified_ms, ${epochMs('i.firing_since')} as firing_since_ms
		from matched m
		join alert_rules r on r.id = m.rule_id
		left join lateral (
			select ts, value from samples where series_id = m.series_id order by ts desc limit 1
		) l on true
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

/** An evaluation's effect on one alert that changed state or asked for a notification. */
export interface AlertChange {
	ruleId: number;
	seriesId: number;
	from: AlertState;
	to: AlertState;
	notify: NotificationKind | null;
	value: number | null;
}

export interface EvaluationReport {
	alerts: number;
	changes: AlertChange[];
}

interface Stepped {
	row: ProbeRow;
	memory: AlertMemory;
	value: number | null;
	/** The memory differs from the stored one (or none was stored): the row must be written. */
	isDirty: boolean;
	change: AlertChange | undefined;
}

const point = (tMs: number | null, value: number | null) => (tMs === null || value === null ? undefined : { tMs: Number(tMs), value: Number(value) });
const msOrNull = (ms: number | null) => (ms === null ? null : Number(ms));

function stepRow(row: ProbeRow, nowMs: number): Stepped {
	const judged = judgeCondition(
		row.condition,
		{
			latest: point(row.latest_ms, row.latest_value),
			windowStart: point(row.window_ms, row.window_value),
			previousStart: point(row.previous_ms, row.previous_value)
		},
		nowMs
	);
	const before: AlertMemory = {
		state: row.state ?? 'normal',
		pendingCount: row.pending_count ?? 0,
		notifiedAtMs: msOrNull(row.notified_ms),
		firingSinceMs: msOrNull(row.firing_since_ms)
	};
	const step = stepAlert(before, judged.outcome, {
		pendingEvaluations: row.pending_evaluations,
		repeatIntervalMs: row.repeat_interval_minutes === null ? null : row.repeat_interval_minutes * 60_000,
		noData: row.no_data,
		snoozedUntilMs: msOrNull(row.snoozed_until_ms),
		isOneShot: row.condition.kind === 'milestone'
	}, nowMs);
	const isChange = step.changedFrom !== null || step.notify !== null;
	const after = step.memory;
	const isDirty =
		row.state === null ||
		after.state !== before.state ||
		after.pendingCount !== before.pendingCount ||
		after.notifiedAtMs !== before.notifiedAtMs ||
		after.firingSinceMs !== before.firingSinceMs;
	const change = isChange
		? { ruleId: row.rule_id, seriesId: row.series_id, from: before.state, to: step.memory.state, notify: step.notify, value: judged.value }
		: undefined;
	return { row, memory: after, value: judged.value, isDirty, change };
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Writes the alerts whose state moved (most evaluations move none, so thousands of steady alerts cost
 * no write) and the history of the changes; the time of the evaluation goes to app_state.
 */
async function writeEvaluation(tx: Db, all: readonly Stepped[], nowMs: number): Promise<void> {
	await tx.execute(sql`insert into app_state (key, value) values ('alerts_evaluated_at', ${JSON.stringify(new Date(nowMs).toISOString())}::jsonb)
		on conflict (key) do update set value = excluded.value`);
	const stepped = all.filter((s) => s.isDirty);
	if (stepped.length === 0) return;
	const now = new Date(nowMs).toISOString();
	await tx.execute(sql`insert into alert_instances (rule_id, series_id, state, pending_count, notified_at, firing_since, last_value, evaluated_at)
		select u.rule_id, u.series_id, u.state, u.pending_count, u.notified_at, u.firing_since, u.last_value, ${now}::timestamptz
		from unnest(
			${sql.param(stepped.map((s) => s.row.rule_id))}::int[], ${sql.param(stepped.map((s) => s.row.series_id))}::int[],
			${sql.param(stepped.map((s) => s.memory.state))}::text[], ${sql.param(stepped.map((s) => s.memory.pendingCount))}::int[],
			${sql.param(stepped.map((s) => isoOrNull(s.memory.notifiedAtMs)))}::timestamptz[],
			${sql.param(stepped.map((s) => isoOrNull(s.memory.firingSinceMs)))}::timestamptz[],
			${sql.param(stepped.map((s) => s.value))}::float8[]
		) as u(rule_id, series_id, state, pending_count, notified_at, firing_since, last_value)
		on conflict (rule_id, series_id) do update set state = excluded.state, pending_count = excluded.pending_count,
			notified_at = excluded.notified_at, firing_since = excluded.firing_since, last_value = excluded.last_value,
			evaluated_at = excluded.evaluated_at`);
	const changes = all.flatMap((s) => (s.change ? [s.change] : []));
	if (changes.length === 0) return;
	const inserted = await queryRows<{ id: number; notify: string | null }>(tx, sql`insert into alert_events (rule_id, series_id, at, from_state, to_state, notify, value)
		select u.rule_id, u.series_id, ${now}::timestamptz, u.from_state, u.to_state, u.notify, u.value
		from unnest(
			${sql.param(changes.map((c) => c.ruleId))}::int[], ${sql.param(changes.map((c) => c.seriesId))}::int[],
			${sql.param(changes.map((c) => c.from))}::text[], ${sql.param(changes.map((c) => c.to))}::text[],
			${sql.param(changes.map((c) => c.notify))}::text[], ${sql.param(changes.map((c) => c.value))}::float8[]
		) as u(rule_id, series_id, from_state, to_state, notify, value)
		returning id, notify`);
	await enqueueDeliveries(tx, inserted.filter((e) => e.notify !== null).map((e) => e.id), nowMs);
}

/**
 * One evaluation of every enabled rule (or of the given ones) at `nowMs`. Runs in one transaction
 * under an advisory lock, so that an evaluation after a collection run and a scheduled one cannot
 * step the same alerts twice; a crash leaves the states as they were.
 */
export async function evaluateAlerts(db: Db, nowMs: number, ruleIds?: readonly number[]): Promise<EvaluationReport> {
	return db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext('dockpulse:alerts'))`);
		const rows = await queryRows<ProbeRow>(tx, buildAlertProbesQuery(ruleIds));
		const stepped = rows.map((row) => stepRow(row, nowMs));
		await writeEvaluation(tx, stepped, nowMs);
		return { alerts: stepped.length, changes: stepped.flatMap((s) => (s.change ? [s.change] : [])) };
	});
}
