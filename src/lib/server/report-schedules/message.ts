import { formatExact } from '../../format.js';
import type { ScheduledReportContent } from '../../types/report-schedules.js';
import type { OutgoingMessage } from '../outbox/deliver.js';

/** What a scheduled report's send says: the same facts as text (e-mail, Slack) and as JSON (webhooks). */

export interface SendFacts {
	sendId: number;
	scheduleId: number;
	tickMs: number;
	content: ScheduledReportContent;
}

/** A row's statement says its growth with both values and dates; a row without one says why. */
function listRowLines(content: ScheduledReportContent): string[] {
	return content.rows.map((row) => `- ${row.statement ?? `${row.series}: ${row.warnings.join('; ') || 'no data'}`}`);
}

function listEtaLines(content: ScheduledReportContent): string[] {
	return content.etas.map((eta) =>
		eta.date === null
			? `- ${eta.series}: ${formatExact(eta.value)} not expected within 3 years`
			: `- ${eta.series}: ${formatExact(eta.value)} expected ${eta.date} (80%: ${eta.earliest} to ${eta.latest ?? 'beyond 3 years'})`
	);
}

function listAnomalyLines(content: ScheduledReportContent): string[] {
	return content.anomalies.map((a) => `- ${a.series}: ${a.kind} on ${a.day} (score ${a.score.toFixed(1)})`);
}

export function buildReportText(content: ScheduledReportContent): string {
	const sections = [
		`Dockpulse report "${content.scheduleName}": ${content.period.label}`,
		['Growth', ...listRowLines(content)].join('\n'),
		content.etas.length > 0 ? ['Milestones (forecast)', ...listEtaLines(content)].join('\n') : '',
		content.anomalies.length > 0 ? ['Anomalies (days whose change stands out of the 56 before)', ...listAnomalyLines(content)].join('\n') : '',
		content.warnings.length > 0 ? ['Warnings', ...content.warnings.map((w) => `- ${w}`)].join('\n') : ''
	];
	return sections.filter(Boolean).join('\n\n');
}

export function buildReportMessage(facts: SendFacts): OutgoingMessage {
	const text = buildReportText(facts.content);
	return {
		subject: `Dockpulse report "${facts.content.scheduleName}": ${facts.content.period.label}`,
		text,
		buildWebhookBody: (format) =>
			format === 'slack'
				? { text }
				: { kind: 'report', text, schedule: { id: facts.scheduleId, name: facts.content.scheduleName }, sendId: facts.sendId, tickAt: new Date(facts.tickMs).toISOString(), report: facts.content },
		deliveryId: `report-send-${facts.sendId}`
	};
}
