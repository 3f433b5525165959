import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { badParameter, jsonError } from '$lib/server/http/errors';
import { noQuery, parseBody, parseParams, parseQuery } from '$lib/server/http/parse';
import { targetRef } from '$lib/server/http/schemas';
import type { Db } from '$lib/server/db/client';
import { linkPair, listLinks, resolvePair, unlinkPair, type PairProblem } from '$lib/server/links/links';
import type { RequestHandler } from './$types';

const linkParams = z.object({ ref: targetRef });
const linkBody = z.object({ ref: targetRef });

function refuse(problem: PairProblem): Response {
	if (problem.status === 404) return jsonError(404, 'not_found', problem.message);
	return badParameter(problem.parameter, problem.message);
}

/** The pair a write names: the route's target and the body's `ref`, or the answer refusing them. */
async function readPair(params: Record<string, string>, request: Request, db: Db) {
	const path = parseParams(params, linkParams);
	if (!path.ok) return path;
	const body = await parseBody(request, linkBody);
	if (!body.ok) return body;
	const pair = await resolvePair(db, path.data.ref, body.data.ref);
	return pair.ok ? { ok: true as const, data: pair } : { ok: false as const, response: refuse(pair) };
}

/** GET /api/targets/<ref>/links: the target's links and the pairs suggested for it. */
export const GET: RequestHandler = async ({ params, url, locals }) => {
	const query = parseQuery(url, noQuery);
	if (!query.ok) return query.response;
	const path = parseParams(params, linkParams);
	if (!path.ok) return path.response;
	const links = await listLinks(locals.database.db, path.data.ref);
	if (!links) return jsonError(404, 'not_found', `no target ${params.ref}`);
	return json({ target: params.ref, ...links });
};

/** POST /api/targets/<ref>/links {"ref": "github:owner/name"}: links an image and a repository (either end first). */
export const POST: RequestHandler = async ({ params, request, locals }) => {
	const pair = await readPair(params, request, locals.database.db);
	if (!pair.ok) return pair.response;
	const result = await linkPair(locals.database.db, pair.data);
	if (result.outcome === 'taken') return jsonError(409, 'conflict', result.message);
	return json(result, { status: result.outcome === 'linked' ? 201 : 200 });
};

/** DELETE /api/targets/<ref>/links {"ref": ...}: removes the link; `absent` when there was none. */
export const DELETE: RequestHandler = async ({ params, request, locals }) => {
	const pair = await readPair(params, request, locals.database.db);
	if (!pair.ok) return pair.response;
	const isRemoved = await unlinkPair(locals.database.db, pair.data);
	return json({ outcome: isRemoved ? 'unlinked' : 'absent', image: `dockerhub:${pair.data.image.key}`, repository: `github:${pair.data.repository.key}` });
};
