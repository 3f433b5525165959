import type { Config } from '../src/lib/server/config.js';
import type { Credential } from '../src/lib/types/health.js';
import { collectors, credentials, type CredentialSpec } from './registry.js';

/** The credentials some registered collector uses, in the registry's order. */
function listUsedCredentials(): CredentialSpec[] {
	return credentials.filter((credential) => collectors.some((entry) => entry.credentials.includes(credential)));
}

/** What an operator should know about the collectors' credentials, said once at start-up. */
export function describeCredentials(config: Config): string[] {
	return listUsedCredentials()
		.filter((credential) => !credential.isSet(config))
		.map((credential) => credential.missingNote);
}

/** Which credentials are configured: names and whether set, never values (the health page). */
export function listCredentials(config: Config): Credential[] {
	return [
		...listUsedCredentials().map(({ name, purpose, isSet }) => ({ name, isSet: isSet(config), purpose })),
		{ name: 'ADMIN_TOKEN', isSet: config.adminToken !== undefined, purpose: 'writes need signing in' }
	];
}
