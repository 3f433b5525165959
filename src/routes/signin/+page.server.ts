import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { createSessionValue, isAdminToken, sessionCookieName, sessionTtlMs } from '$lib/server/auth/decide';
import { readFormBody } from '$lib/server/http/parse';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ hasAdminToken: locals.config.adminToken !== undefined });

// Anything but text is no token. `next`: only same-site paths, as an open redirect would let a link
// send a signed-in user anywhere.
const signinForm = z.object({
	token: z.string().catch(''),
	next: z
		.string()
		.refine((path) => path.startsWith('/') && !path.startsWith('//'))
		.catch('/')
});

export const actions: Actions = {
	signin: async ({ request, cookies, locals }) => {
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
		redirect(303, form.next);
	},
	signout: async ({ cookies }) => {
		cookies.delete(sessionCookieName, { path: '/' });
		redirect(303, '/');
	}
};
