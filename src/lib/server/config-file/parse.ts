import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { z } from 'zod';
import { formatSeriesRef, formatTargetRef } from '../../refs.js';
import { alertRuleInput } from '../alerts/rule-input.js';
import { manualEventInput } from '../events/events.js';
import { seriesRef, targetRef } from '../http/schemas.js';
import { scorecardOverridesInput } from '../scorecard/overrides.js';

/**
 * A configuration file (YAML; JSON is YAML too) read into a declaration of what Dockpulse tracks: its
 * keys mirror the HTTP API's bodies. `${VAR}` in a value is replaced by that environment variable (an
 * unset one is an error); webhook URLs, which are secrets, must be such a reference. Every problem is
 * reported with its line, so that a file kept in git is fixed where it is wrong.
 */

export class ConfigFileError extends Error {
	constructor(
		readonly file: string,
		readonly problems: string[]
	) {
		super(`Invalid configuration file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigFileError';
	}
}

const declaredTarget = z
	.object({
		ref: targetRef,
		// Images of a Docker Hub namespace that its listing must not track.
		exclude: z.array(z.string()).default([])
	})
	.strict()
	.transform(({ ref, exclude }, ctx) => {
		for (const [i, key] of exclude.entries()) {
			const isImage = ref.source === 'dockerhub' && !ref.key.includes('/') && key.startsWith(`${ref.key}/`) && key.split('/').length === 2;
			if (!isImage) ctx.addIssue({ code: 'custom', path: ['exclude', i], message: `exclude lists images of a Docker Hub namespace (${ref.key}/<name>)` });
		}
		return { ref, exclude };
	});

/** The file's shape; each list is checked for items declared twice. */
export const declarationSchema = z
	.object({
		targets: z.array(declaredTarget).default([]),
		featured: z.array(seriesRef).optional(),
		events: z.array(manualEventInput).default([]),
		alerts: z.array(alertRuleInput).default([]),
		// Scorecard rows measured otherwise than declared (replaces the stored section while declared).
		scorecard: scorecardOverridesInput.optional()
	})
	.strict()
	.superRefine((d, ctx) => {
		const once = (list: string, ids: string[], what: string) =>
			ids.forEach((id, i) => ids.indexOf(id) !== i && ctx.addIssue({ code: 'custom', path: [list, i], message: `${what} ${id} is declared twice` }));
		once('targets', d.targets.map((t) => formatTargetRef(t.ref)), 'target');
		if (d.featured) once('featured', d.featured.map(formatSeriesRef), 'series');
		once('events', d.events.map(eventIdentity), 'event');
		once('alerts', d.alerts.map((a) => `"${a.name}"`), 'alert');
		const declared = new Set(d.targets.map((t) => formatTargetRef(t.ref)));
		d.targets.forEach((t, i) =>
			t.exclude.forEach((key, j) => {
				if (declared.has(`dockerhub:${key}`)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'exclude', j], message: `${key} is excluded and declared as a target` });
			})
		);
	});
export type Declaration = z.output<typeof declarationSchema>;

/** What tells two manual events apart: date, label and target. */
export function eventIdentity(e: { date: Date; label: string; target?: { source: string; key: string } | undefined }): string {
	const iso = e.date.toISOString();
	// A date alone when the event is at midnight UTC (as `date: 2015-06-22` is); the instant otherwise.
	const when = iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
	return `${when} "${e.label}"${e.target ? ` (${formatTargetRef(e.target)})` : ''}`;
}

const envReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const wholeReference = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
	// The deepest node that exists on the path: a missing key is reported where its parent is.
	for (let depth = path.length; depth >= 0; depth--) {
		const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
		const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
		if (offset !== undefined) return lines.linePos(offset).line;
	}
	return undefined;
}

const where = (line: number | undefined, path: readonly PropertyKey[]) =>
	`${line === undefined ? '' : `line ${line}: `}${path.length > 0 ? `${path.map(String).join('.')}: ` : ''}`;

/** Webhook URLs written inline: a secret in the file. Checked before substitution, on the text as written. */
function findInlineWebhooks(doc: Document, lines: LineCounter): string[] {
	const alerts = doc.get('alerts', true);
	const problems: string[] = [];
	const count = (node: unknown) => (node && typeof node === 'object' && 'items' in node && Array.isArray(node.items) ? node.items.length : 0);
	for (let i = 0; i < count(alerts); i++) {
		const webhooks = doc.getIn(['alerts', i, 'channels', 'webhooks'], true);
		for (let j = 0; j < count(webhooks); j++) {
			const path = ['alerts', i, 'channels', 'webhooks', j, 'url'];
			const url = doc.getIn(path, true);
			if (isScalar(url) && (typeof url.value !== 'string' || !wholeReference.test(url.value))) {
				problems.push(`${where(lineOf(doc, lines, path), path)}a webhook URL is a secret: write it as a \${VAR} reference and set VAR in the environment`);
			}
		}
	}
	return problems;
}

/** Replaces `${VAR}` in every string value; an unset (or empty) variable is a problem at its line. */
function substituteEnv(doc: Document, lines: LineCounter, env: Record<string, string | undefined>): string[] {
	const problems: string[] = [];
	visit(doc, {
		Scalar(key, node) {
			if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
			node.value = node.value.replace(envReference, (_, name: string) => {
				const value = env[name];
				if (value === undefined || value === '') {
					const line = node.range ? lines.linePos(node.range[0]).line : undefined;
					problems.push(`${line === undefined ? '' : `line ${line}: `}\${${name}} is not set in the environment`);
					return '';
				}
				return value;
			});
		}
	});
	return problems;
}

/** Reads a configuration file's text; throws ConfigFileError listing every problem with its line. */
export function parseConfigFile(file: string, text: string, env: Record<string, string | undefined>): Declaration {
	const lines = new LineCounter();
	const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
	if (doc.errors.length > 0) {
		throw new ConfigFileError(file, doc.errors.map((e) => `line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
	}
	if (doc.contents !== null && !isMap(doc.contents)) throw new ConfigFileError(file, ['line 1: expected keys targets, featured, events, alerts and scorecard']);
	const problems = [...findInlineWebhooks(doc, lines), ...substituteEnv(doc, lines, env)];
	if (problems.length > 0) throw new ConfigFileError(file, problems);
	const parsed = declarationSchema.safeParse(doc.toJS() ?? {});
	if (!parsed.success) {
		throw new ConfigFileError(
			file,
			parsed.error.issues.map((issue) => `${where(lineOf(doc, lines, issue.path), issue.path)}${issue.message}`)
		);
	}
	return parsed.data;
}
