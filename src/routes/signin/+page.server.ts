import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { createSessionValue, isAdminToken, sessionCookieName, sessionTtlMs } from '$lib/server/auth/decide';
import { resolveNextPath } from '$lib/server/auth/next';
import { readFormBody } from '$lib/server/http/parse';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ hasAdminToken: locals.config.adminToken !== undefined });

// Anything but text is no token; `next` is checked by resolveNextPath.
const signinForm = z.object({
	token: z.string().catch(''),
	next: z.string().catch('/')
});

export const actions: Actions = {
	signin: async ({ request, cookies, locals, url }) => {
		const form = signinForm.parse(Object.fromEntries(await readFormBody(request)));
		if (!isAdminToken(locals.config, form.token)) {
			return fail(403, { message: 'That is not the ADMIN_TOKEN.' });
		}
		cookies.set(sessionCookieName, createSessionValue(locals.config, Date.now()), {
			path: '/',
			httpOnly: true,
			sameSite: 'strict',
			// The browser's Origin tells its scheme; adapter-node's URL says https unless ORIGIN is set.
			secure: request.headers.get('origin')?.startsWith('https:') ?? false,
			maxAge: sessionTtlMs / 1000
		});
		redirect(303, resolveNextPath(form.next, url.origin));
	},
	signout: async ({ cookies }) => {
		cookies.delete(sessionCookieName, { path: '/' });
		redirect(303, '/');
	}
};
