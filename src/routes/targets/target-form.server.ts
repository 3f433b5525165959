import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { parseTargetRef } from '$lib/refs';
import type { Collection } from '$lib/types/collection';
import { parseTargetInput } from '$lib/target-input';

/**
 * The targets page's two form actions. Every outcome comes back as form data the page shows next to
 * the form; outcomes that change nothing are ActionFailures with the status the JSON API would give.
 */

export type AddOutcome = {
	kind: 'add';
	outcome: 'added' | 'exists' | 'notFound' | 'unavailable' | 'unsupported' | 'invalid';
	input: string;
	target: string | null;
	message: string;
};

export type RemoveOutcome = {
	kind: 'remove';
	outcome: 'removed' | 'confirm' | 'missing' | 'invalid';
	target: string;
	message: string;
};

const addForm = z.object({ ref: z.string().trim().min(1, 'enter a reference or a Docker Hub or GitHub URL').max(500) });
const removeForm = z.object({ ref: z.string().trim().min(1).max(500), confirm: z.literal('yes').optional() });
const addStatus = { notFound: 404, unavailable: 502, unsupported: 400 } as const;

export async function submitAdd(form: FormData, collection: Pick<Collection, 'addTarget'>) {
	const parsed = addForm.safeParse({ ref: form.get('ref') ?? '' });
	const input = String(form.get('ref') ?? '').slice(0, 500);
	const invalid = (message: string) => fail(400, { kind: 'add', outcome: 'invalid', input, target: null, message } satisfies AddOutcome);
	if (!parsed.success) return invalid(parsed.error.issues[0]?.message ?? 'enter a reference or a URL');
	const ref = parseTargetInput(parsed.data.ref);
	if (!ref.ok) return invalid(ref.message);
	const result = await collection.addTarget(ref.value);
	const { target } = result;
	if (!('message' in result)) {
		const message = result.outcome === 'added' ? `Added ${target}.` : `${target} is already tracked.`;
		return { kind: 'add', outcome: result.outcome, input, target, message } satisfies AddOutcome;
	}
	const message = {
		notFound: `Not found at the source, so nothing was added: ${result.message}.`,
		unavailable: `The source could not be asked, so ${target} was not added; try again later (${result.message}).`,
		unsupported: `${target} cannot be added: ${result.message}.`
	}[result.outcome];
	return fail(addStatus[result.outcome], { kind: 'add', outcome: result.outcome, input, target, message } satisfies AddOutcome);
}

export async function submitRemove(form: FormData, collection: Pick<Collection, 'removeTarget'>) {
	const parsed = removeForm.safeParse({ ref: form.get('ref') ?? '', confirm: form.get('confirm') ?? undefined });
	const text = parsed.success ? parsed.data.ref : String(form.get('ref') ?? '');
	const ref = parseTargetRef(text);
	const outcome = (status: number, outcome: RemoveOutcome['outcome'], message: string) =>
		fail(status, { kind: 'remove', outcome, target: text, message } satisfies RemoveOutcome);
	if (!parsed.success || !ref.ok) return outcome(400, 'invalid', ref.ok ? 'confirm with confirm=yes' : ref.message);
	if (ref.value.source === 'reference') return outcome(400, 'invalid', 'the reference figures cannot be removed');
	// Without JavaScript there is no dialog: the first post asks, the second (confirm=yes) removes.
	if (!parsed.data.confirm) return outcome(400, 'confirm', `Remove ${text}? This deletes its series and all their samples.`);
	if (!(await collection.removeTarget(ref.value))) return outcome(404, 'missing', `${text} is not tracked (already removed?).`);
	return { kind: 'remove', outcome: 'removed', target: text, message: `Removed ${text} with its series and samples.` } satisfies RemoveOutcome;
}
