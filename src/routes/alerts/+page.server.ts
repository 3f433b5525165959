import { listAlertHistory, listRuleViews } from '$lib/server/alerts/list';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const [rules, history] = await Promise.all([listRuleViews(locals.database.db), listAlertHistory(locals.database.db, { limit: 50 })]);
	return { rules, history };
};
