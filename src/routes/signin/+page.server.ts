import { fail, redirect } from '@sveltejs/kit';
import { createSessionValue, isAdminToken, sessionCookieName, sessionTtlMs } from '$lib/server/auth/decide';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ hasAdminToken: locals.config.adminToken !== undefined });

function safeNext(next: FormDataEntryValue | null): string {
	// Only same-site paths: an open redirect would let a link send a signed-in user anywhere.
	return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export const actions: Actions = {
	signin: async ({ request, cookies, locals }) => {
		const form = await request.formData();
		const token = form.get('token');
		if (typeof token !== 'string' || !isAdminToken(locals.config, token)) {
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
		redirect(303, safeNext(form.get('next')));
	},
	signout: async ({ cookies }) => {
		cookies.delete(sessionCookieName, { path: '/' });
		redirect(303, '/');
	}
};
