/**
 * Child process for the logging test: configures the log as a process would (level from argv[2]) and
 * logs objects that carry secrets where code could put them, so that the test reads what reached stdout.
 */
import { loadConfig } from '../../src/lib/server/config.js';
import { configureLogging, log } from '../../src/lib/server/telemetry/log.js';

const level = (process.argv[2] ?? 'info') as 'debug' | 'info' | 'warn' | 'error';
configureLogging({ level });
const config = loadConfig({
	ADMIN_TOKEN: 'admin-secret-0123456789',
	GITHUB_TOKEN: 'ghp_githubsecret',
	DOCKERHUB_USERNAME: 'someone',
	DOCKERHUB_TOKEN: 'dckr_pat_hubsecret',
	SMTP_URL: 'smtp://user:smtpsecret@mail.example.com:587',
	DATABASE_URL: 'postgres://dockpulse:dbsecret@db.example:5432/dockpulse'
});
log.debug('a debug line');
log.info({ config }, 'configuration read');
log.warn({ request: { headers: { authorization: 'Bearer admin-secret-0123456789', cookie: 'dockpulse_session=cookiesecret' } } }, 'a request');
log.error({ token: 'loose-token-secret', password: 'loose-password-secret', err: new Error('boom') }, 'a failure');
