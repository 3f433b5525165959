import { z } from 'zod';
import { parseTargetRef } from '$lib/refs';
import { readFormBody } from '$lib/server/http/parse';
import { listPairViews, listPairViewsOfLinked } from '$lib/server/links/pairs';
import { hasManyTargets, listTargetPage, listTargetViews } from '$lib/server/targets/list';
import { submitLink, submitUnlink } from './link-form.server';
import { sortKeys } from './target-list';
import { submitAdd, submitRemove } from './target-form.server';
import type { Actions, PageServerLoad } from './$types';

// A cursor the page itself wrote; anything else reads as none (the first page).
const cursor = z
	.string()
	.transform((text) => {
		const ref = parseTargetRef(text);
		return ref.ok ? ref.value : undefined;
	})
	.optional()
	.catch(undefined);

// The filter box and sort select are a GET form too, so they work before (and without) JavaScript.
const listQuery = z.object({
	q: z.string().max(200).catch(''),
	sort: z.enum(sortKeys).catch('name'),
	after: cursor,
	before: cursor
});

const pageSize = 100;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { db } = locals.database;
	const query = listQuery.parse(Object.fromEntries(url.searchParams));
	// A large installation gets one page at a time, filtered in SQL and in reference order; a small one
	// the whole list, filtered and sorted in the browser as the filter box is typed in.
	const page = (await hasManyTargets(db)) ? await listTargetPage(db, { limit: pageSize, ...query }) : undefined;
	const targets = page?.targets ?? (await listTargetViews(db));
	return {
		targets,
		pairs: page ? await listPairViewsOfLinked(db) : (await listPairViews(db, targets))!,
		query: { q: query.q, sort: query.sort },
		paging: page && { next: page.next, previous: page.previous, isFirst: !query.after && !query.before },
		nowMs: Date.now()
	};
};

export const actions: Actions = {
	add: async ({ request, locals }) => submitAdd(await readFormBody(request), locals.collection),
	remove: async ({ request, locals }) => submitRemove(await readFormBody(request), locals.collection),
	link: async ({ request, locals }) => submitLink(locals.database.db, await readFormBody(request)),
	unlink: async ({ request, locals }) => submitUnlink(locals.database.db, await readFormBody(request))
};
