import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Db } from '$lib/server/db/client';
import { targetRef } from '$lib/server/http/schemas';
import { linkPair, resolvePair, unlinkPair } from '$lib/server/links/links';

/**
 * The link and unlink form actions of the targets page and of a target's own page: the same checks
 * and answers as POST/DELETE /api/targets/<ref>/links, as form data shown next to the pairs.
 */

export type LinkFormOutcome = {
	kind: 'link';
	outcome: 'linked' | 'exists' | 'unlinked' | 'absent' | 'taken' | 'invalid';
	message: string;
};

const pairForm = z.object({ image: targetRef, repository: targetRef });

async function readPair(db: Db, form: FormData) {
	const parsed = pairForm.safeParse({ image: form.get('image') ?? undefined, repository: form.get('repository') ?? undefined });
	if (!parsed.success) return { ok: false as const, status: 400, message: `Choose an image and a repository: ${parsed.error.issues[0]?.message ?? 'both are needed'}.` };
	const pair = await resolvePair(db, parsed.data.image, parsed.data.repository);
	return pair.ok ? pair : { ok: false as const, status: pair.status, message: `${pair.message}.` };
}

const refuse = (status: number, message: string) => fail(status, { kind: 'link', outcome: 'invalid', message } satisfies LinkFormOutcome);

export async function submitLink(db: Db, form: FormData) {
	const pair = await readPair(db, form);
	if (!pair.ok) return refuse(pair.status, pair.message);
	const result = await linkPair(db, pair);
	if (result.outcome === 'taken') return fail(409, { kind: 'link', outcome: 'taken', message: `${result.message}.` } satisfies LinkFormOutcome);
	const what = `${result.link.image} and ${result.link.repository}`;
	const message = result.outcome === 'linked' ? `Linked ${what}: their derived series are in the explorer.` : `${what} were already linked.`;
	return { kind: 'link', outcome: result.outcome, message } satisfies LinkFormOutcome;
}

export async function submitUnlink(db: Db, form: FormData) {
	const pair = await readPair(db, form);
	if (!pair.ok) return refuse(pair.status, pair.message);
	const what = `dockerhub:${pair.image.key} and github:${pair.repository.key}`;
	const isRemoved = await unlinkPair(db, pair);
	const message = isRemoved ? `Unlinked ${what}; their derived series are gone.` : `${what} were not linked.`;
	return { kind: 'link', outcome: isRemoved ? 'unlinked' : 'absent', message } satisfies LinkFormOutcome;
}
