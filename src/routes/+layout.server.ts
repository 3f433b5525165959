import { isOpenLocalMode, isValidSession, sessionCookieName } from '$lib/server/auth/decide';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies }) => ({
	isOpenLocalMode: isOpenLocalMode(locals.config),
	isSignedIn: isValidSession(locals.config, cookies.get(sessionCookieName), Date.now()),
	// Open mode gives write rights to local callers only (see decideWrite): pages offer forms to those.
	canWrite: locals.canWrite
});
