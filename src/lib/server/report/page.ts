import type { EventView } from '../../types/events.js';
import type { Db } from '../db/client.js';
import { listEventViews } from '../events/events.js';
import { ParameterError } from '../http/parse.js';
import { buildGrowthReport, type GrowthReport } from './build.js';
import { parseReportQuery } from './params.js';

/**
 * The seed's table: what /report shows before an analyst asks for anything else. With the growth
 * figures published as percentages only, which the report adds, it lists all seven of the seed's figures.
 */
export const defaultReportQuery =
	'series=reference:dockerhub:pulls&series=reference:dockerhub:repositories&series=reference:docker-project:contributors' +
	'&series=reference:github:projects&series=reference:dockerhub:users&from=2014-06-09&to=2015-06-22';

export interface ReportPage {
	/** The query the page shows (the default one when none was given), for the form and the CSV link. */
	query: string;
	report: GrowthReport | null;
	problem: { parameter: string; message: string } | null;
	/** Events of the report's targets and global ones, to report between two of them. */
	events: EventView[];
}

/**
 * The /report page's data. The form sends empty series fields and empty dates; those mean "not
 * given". A bad parameter is shown on the page, never as an error page. `period` is the form's own
 * field (which of preset, dates and events the radio buttons chose); the API does not take it.
 */
export async function buildReportPage(db: Db, params: URLSearchParams, now: Date): Promise<ReportPage> {
	const given = new URLSearchParams([...params].filter(([, value]) => value.trim() !== '').map(([k, v]) => [k, v.trim()]));
	// The form sends every period field and says which one is meant; a link sends only its own.
	const chosen = given.get('period');
	if (chosen !== null) {
		if (chosen !== 'dates') ['from', 'to'].forEach((k) => given.delete(k));
		if (chosen !== 'events') ['fromEvent', 'toEvent'].forEach((k) => given.delete(k));
		if (chosen !== 'preset') given.delete('preset');
		given.delete('period');
	}
	const query = given.size === 0 ? defaultReportQuery : given.toString();
	try {
		const result = await buildGrowthReport(db, parseReportQuery(new URLSearchParams(query)), now);
		if (!result.ok) return { query, report: null, problem: { parameter: result.parameter, message: result.message }, events: [] };
		const events = await listEventViews(db, { targets: [...new Set(result.report.rows.map((r) => r.target))] });
		return { query, report: result.report, problem: null, events };
	} catch (error) {
		if (!(error instanceof ParameterError)) throw error;
		return { query, report: null, problem: { parameter: error.parameter, message: error.reason }, events: [] };
	}
}
