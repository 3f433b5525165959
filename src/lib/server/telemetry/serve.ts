import { createServer, type Server } from 'node:http';
import { hasBearerToken } from '../auth/decide.js';
import { renderMetrics } from './metrics.js';

/**
 * The worker has no web server: with METRICS=true it answers GET /metrics on a port of its own
 * (METRICS_PORT), on the same HOST rule as the server, with the same METRICS_TOKEN check.
 */
export async function serveMetrics(options: { host: string; port: number; token: string | undefined }): Promise<{ close(): Promise<void> }> {
	const server: Server = createServer((request, response) => {
		const path = new URL(request.url ?? '/', 'http://worker').pathname;
		if (request.method !== 'GET' || path !== '/metrics') {
			response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only GET /metrics here\n');
			return;
		}
		if (options.token !== undefined && !hasBearerToken(request.headers.authorization ?? null, options.token)) {
			response.writeHead(401, { 'www-authenticate': 'Bearer realm="dockpulse-metrics"' }).end();
			return;
		}
		renderMetrics().then(
			({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
			(error: Error) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${error.message}\n`)
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, resolve);
	});
	return {
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
