import { formatSeriesRef, formatTargetRef, type TargetRef } from '../../refs.js';
import { findScopeProblem, insertAlertRule, toRuleRow, type AlertRuleInput } from '../alerts/rule-input.js';
import type { Db } from '../db/client.js';
import { listAlertRules, replaceAlertRuleDefinition, deleteAlertRule, type AlertRule } from '../db/queries/alert-rules.js';
import { deleteAppState, getAppState, upsertAppState } from '../db/queries/app-state.js';
import { excludeFromListing, includeInListing, listTargetStates, setTargetActive } from '../db/queries/collection-targets.js';
import { deleteManualEvent, insertManualEvent, listManualEvents, updateManualEventUrl } from '../db/queries/events.js';
import { getTargetId, upsertTarget } from '../db/queries/targets.js';
import { describeOverride, readScorecardOverrides, scorecardStateKey } from '../scorecard/overrides.js';
import { defaultWatchlist } from '../targets/watchlist.js';
import { eventIdentity, type Declaration } from './parse.js';

/**
 * What applying a declaration would change, item by item, against what the database holds now: each
 * item is a line of the plan (`+ target github:moby/moby`) and the write that makes it so. Without
 * prune nothing is removed; with it, what the file does not declare goes (targets are only made
 * inactive: their data stays).
 */

export interface PlanItem {
	op: '+' | '~' | '-';
	text: string;
	write(tx: Db): Promise<unknown>;
}

/** A declaration that cannot be applied to this store as it stands (an event about an unknown target). */
export class PlanProblem extends Error {
	constructor(readonly problems: string[]) {
		super(problems.join('\n'));
		this.name = 'PlanProblem';
	}
}

export interface PlanOptions {
	prune: boolean;
	/** ALERT_PATTERN_MAX_SERIES: a rule whose pattern matches more is refused, as the API refuses it. */
	alertPatternMaxSeries: number;
}

// Sources whose targets no file declares: loaded at start (reference) or by `npm run import`.
const unmanagedSources = new Set(['reference', 'import']);
const displayNames = new Map(defaultWatchlist.map((t) => [formatTargetRef(t), t.displayName]));

/** A Docker Hub image's namespace, whose listing adds it by itself. */
const listingParent = (ref: TargetRef): TargetRef | undefined =>
	ref.source === 'dockerhub' && ref.key.includes('/') ? { source: 'dockerhub', key: ref.key.slice(0, ref.key.indexOf('/')) } : undefined;

type StoredTarget = Awaited<ReturnType<typeof listTargetStates>>[number];

/** A namespace's exclusions: each one listed, a tracked image made inactive; with prune, the others let in again. */
function planExclusions(stored: Map<string, StoredTarget>, ref: TargetRef, exclude: string[], prune: boolean): PlanItem[] {
	const name = formatTargetRef(ref);
	const removed = stored.get(name)?.removedListed ?? [];
	const items: PlanItem[] = [];
	for (const key of exclude.filter((k) => !removed.includes(k))) {
		const image = stored.get(formatTargetRef({ source: 'dockerhub', key }));
		const isTracked = image?.isActive === true;
		items.push({
			op: '~',
			text: `target ${name}: exclude ${key}${isTracked ? ` (dockerhub:${key} made inactive; its data is kept)` : ''}`,
			write: async (tx) => {
				await excludeFromListing(tx, ref, key);
				if (isTracked) await setTargetActive(tx, image.id, false);
			}
		});
	}
	if (!prune) return items;
	for (const key of removed.filter((k) => !exclude.includes(k))) {
		items.push({ op: '~', text: `target ${name}: stop excluding ${key}`, write: (tx) => includeInListing(tx, ref, key) });
	}
	return items;
}

/** Prune: active targets not declared are made inactive, except reference, import and a declared namespace's images. */
function planTargetPrune(stored: Map<string, StoredTarget>, declared: Declaration['targets']): PlanItem[] {
	const declaredNames = new Set(declared.map((t) => formatTargetRef(t.ref)));
	const items: PlanItem[] = [];
	for (const [name, row] of stored) {
		const parent = listingParent(row as TargetRef);
		const isListed = parent !== undefined && declaredNames.has(formatTargetRef(parent));
		if (!row.isActive || declaredNames.has(name) || unmanagedSources.has(row.source) || isListed) continue;
		items.push({ op: '-', text: `target ${name} (made inactive; its data is kept)`, write: (tx) => setTargetActive(tx, row.id, false) });
	}
	return items;
}

async function planTargets(db: Db, declared: Declaration['targets'], prune: boolean): Promise<PlanItem[]> {
	const stored = new Map((await listTargetStates(db)).map((t) => [formatTargetRef(t), t]));
	const items: PlanItem[] = [];
	for (const { ref, exclude } of declared) {
		const name = formatTargetRef(ref);
		const row = stored.get(name);
		const parent = listingParent(ref);
		if (!row || !row.isActive) {
			items.push({
				op: '+',
				text: `target ${name}${row ? ' (tracked again)' : ''}`,
				write: async (tx) => {
					// An image the analyst removed from its namespace's listing is let in again, as addTarget does.
					if (parent) await includeInListing(tx, parent, ref.key);
					if (row) await setTargetActive(tx, row.id, true);
					else await upsertTarget(tx, { ...ref, displayName: displayNames.get(name) ?? ref.key });
				}
			});
		}
		items.push(...planExclusions(stored, ref, exclude, prune));
	}
	return prune ? [...items, ...planTargetPrune(stored, declared)] : items;
}

async function planFeatured(db: Db, featured: Declaration['featured'], prune: boolean): Promise<PlanItem[]> {
	const stored = await getAppState(db, 'featured');
	if (featured === undefined) {
		if (!prune || stored === undefined) return [];
		return [{ op: '-', text: 'featured (back to FEATURED_SERIES)', write: (tx) => deleteAppState(tx, 'featured') }];
	}
	const wanted = featured.map(formatSeriesRef);
	if (JSON.stringify(stored) === JSON.stringify(wanted)) return [];
	return [{ op: stored === undefined ? '+' : '~', text: `featured: ${wanted.join(', ')}`, write: (tx) => upsertAppState(tx, 'featured', wanted) }];
}

/** The scorecard section, a line per row it changes; the section is written whole, so any line's write makes it so. */
async function planScorecard(db: Db, scorecard: Declaration['scorecard'], prune: boolean): Promise<PlanItem[]> {
	const stored = await readScorecardOverrides(db);
	if (scorecard === undefined) {
		if (!prune || stored === undefined) return [];
		return [{ op: '-', text: 'scorecard (every row back to its declared measure)', write: (tx) => deleteAppState(tx, scorecardStateKey) }];
	}
	const before = stored ?? {};
	const write = (tx: Db) => upsertAppState(tx, scorecardStateKey, scorecard);
	const items: PlanItem[] = [];
	for (const [id, source] of Object.entries(scorecard)) {
		const was = before[id];
		const text = describeOverride(id, source);
		if (!was) items.push({ op: '+', text, write });
		else if (describeOverride(id, was) !== text) items.push({ op: '~', text, write });
	}
	for (const id of Object.keys(before).filter((id) => !(id in scorecard))) {
		items.push({ op: '-', text: `scorecard ${id} (back to its declared measure)`, write });
	}
	return items;
}

async function planEvents(db: Db, declaration: Declaration, prune: boolean): Promise<PlanItem[]> {
	const stored = new Map(
		(await listManualEvents(db)).map((e) => {
			const target = e.source === null || e.key === null ? undefined : { source: e.source, key: e.key };
			return [eventIdentity({ date: new Date(e.ts_ms), label: e.label, target }), e];
		})
	);
	const known = new Set([...(await listTargetStates(db)).map(formatTargetRef), ...declaration.targets.map((t) => formatTargetRef(t.ref))]);
	const items: PlanItem[] = [];
	for (const event of declaration.events) {
		const identity = eventIdentity(event);
		const row = stored.get(identity);
		const url = event.url ?? null;
		if (row) {
			if (row.url !== url) items.push({ op: '~', text: `event ${identity}: url`, write: (tx) => updateManualEventUrl(tx, row.id, url) });
			continue;
		}
		if (event.target && !known.has(formatTargetRef(event.target))) {
			throw new PlanProblem([`event ${identity}: no target ${formatTargetRef(event.target)} (declare it under targets)`]);
		}
		items.push({
			op: '+',
			text: `event ${identity}`,
			write: async (tx) => {
				const targetId = event.target ? ((await getTargetId(tx, event.target)) ?? null) : null;
				await insertManualEvent(tx, { targetId, ts: event.date, label: event.label, url });
			}
		});
	}
	if (!prune) return items;
	const declared = new Set(declaration.events.map(eventIdentity));
	for (const [identity, row] of stored) {
		if (!declared.has(identity)) items.push({ op: '-', text: `event ${identity}`, write: (tx) => deleteManualEvent(tx, row.id) });
	}
	return items;
}

/** A rule's definition as stored, in the declaration's terms, to compare field by field. */
function definitionOf(rule: AlertRule | AlertRuleInput): Record<string, string> {
	const scope = typeof rule.scope === 'string' ? rule.scope : rule.scope.text;
	const fields = {
		scope,
		condition: rule.condition,
		pendingEvaluations: rule.pendingEvaluations,
		repeatIntervalMinutes: rule.repeatIntervalMinutes,
		noData: rule.noData,
		channels: rule.channels,
		snoozedUntil: rule.snoozedUntil?.toISOString() ?? null
	};
	return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, canonicalJson(v)]));
}

// Key order does not matter: jsonb stores keys in its own order.
function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

async function planAlerts(db: Db, declared: Declaration['alerts'], options: PlanOptions): Promise<PlanItem[]> {
	const rules = await listAlertRules(db);
	const items: PlanItem[] = [];
	for (const input of declared) {
		const problem = await findScopeProblem(db, input.scope, options.alertPatternMaxSeries);
		if (problem) throw new PlanProblem([`alert "${input.name}": ${problem}`]);
		const rule = rules.find((r) => r.name === input.name);
		if (!rule) {
			items.push({ op: '+', text: `alert "${input.name}"`, write: (tx) => insertAlertRule(tx, input) });
			continue;
		}
		// A rule snoozed on the alerts page stays snoozed unless the file snoozes it itself (CONFIG_FILE runs at every start).
		const wanted = { ...input, snoozedUntil: input.snoozedUntil ?? rule.snoozedUntil };
		const [was, now] = [definitionOf(rule), definitionOf(wanted)];
		const changed = Object.keys(now).filter((k) => was[k] !== now[k]);
		if (changed.length === 0) continue;
		items.push({ op: '~', text: `alert "${input.name}": ${changed.join(', ')}`, write: (tx) => replaceAlertRuleDefinition(tx, rule.id, toRuleRow(wanted)) });
	}
	if (!options.prune) return items;
	const names = new Set(declared.map((a) => a.name));
	for (const rule of rules.filter((r) => !names.has(r.name))) {
		items.push({ op: '-', text: `alert "${rule.name}" (with its alerts and their history)`, write: (tx) => deleteAlertRule(tx, rule.id) });
	}
	return items;
}

/** The changes, in the order they are written: targets first, so that events can name the ones just added. */
export async function planChanges(db: Db, declaration: Declaration, options: PlanOptions): Promise<PlanItem[]> {
	return [
		...(await planTargets(db, declaration.targets, options.prune)),
		...(await planFeatured(db, declaration.featured, options.prune)),
		...(await planScorecard(db, declaration.scorecard, options.prune)),
		...(await planEvents(db, declaration, options.prune)),
		...(await planAlerts(db, declaration.alerts, options))
	];
}

export const formatPlanItem = (item: PlanItem) => `${item.op} ${item.text}`;
