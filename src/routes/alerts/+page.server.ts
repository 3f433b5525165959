import { listAlertHistory, listRuleViews } from '$lib/server/alerts/list';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const reader = { hasWriteRights: locals.canWrite };
	const [rules, history] = await Promise.all([
		listRuleViews(locals.database.db, reader, locals.config.limits.alertPatternMaxSeries),
		listAlertHistory(locals.database.db, { limit: 50 }, reader)
	]);
	return { rules, history };
};
