import { z } from 'zod';
import { readFormBody } from '$lib/server/http/parse';
import { listPairViews } from '$lib/server/links/pairs';
import { listTargetViews } from '$lib/server/targets/list';
import { submitLink, submitUnlink } from './link-form.server';
import { sortKeys } from './target-list';
import { submitAdd, submitRemove } from './target-form.server';
import type { Actions, PageServerLoad } from './$types';

// The filter box and sort select are a GET form too, so they work before (and without) JavaScript.
const listQuery = z.object({
	q: z.string().max(200).catch(''),
	sort: z.enum(sortKeys).catch('name')
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const targets = await listTargetViews(locals.database.db);
	return {
		targets,
		pairs: (await listPairViews(locals.database.db, targets))!,
		query: listQuery.parse({ q: url.searchParams.get('q') ?? '', sort: url.searchParams.get('sort') ?? 'name' }),
		nowMs: Date.now()
	};
};

export const actions: Actions = {
	add: async ({ request, locals }) => submitAdd(await readFormBody(request), locals.collection),
	remove: async ({ request, locals }) => submitRemove(await readFormBody(request), locals.collection),
	link: async ({ request, locals }) => submitLink(locals.database.db, await readFormBody(request)),
	unlink: async ({ request, locals }) => submitUnlink(locals.database.db, await readFormBody(request))
};
