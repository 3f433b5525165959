import { error } from '@sveltejs/kit';
import { readFormBody } from '$lib/server/http/parse';
import { loadTargetPairs } from '$lib/server/links/pairs';
import { buildTargetPageView } from '$lib/server/series/explore';
import { submitLink, submitUnlink } from '../link-form.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	// After a form post without JavaScript the page is answered at its action's URL (?/link): not a view parameter.
	const viewParams = new URLSearchParams([...url.searchParams].filter(([name]) => !name.startsWith('/')));
	const view = await buildTargetPageView(locals.database.db, params.ref, viewParams, Date.now());
	if (!view) error(404, `No target "${params.ref}" is tracked. Targets read <source>:<key>, e.g. github:moby/moby; add one on the Targets page.`);
	return { view, pairs: await loadTargetPairs(locals.database.db, view.target.target) };
};

export const actions: Actions = {
	link: async ({ request, locals }) => submitLink(locals.database.db, await readFormBody(request)),
	unlink: async ({ request, locals }) => submitUnlink(locals.database.db, await readFormBody(request))
};
