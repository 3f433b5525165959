import { hasBearerToken } from '$lib/server/auth/decide';
import { jsonError } from '$lib/server/http/errors';
import { noQuery, parseQuery } from '$lib/server/http/parse';
import { renderMetrics } from '$lib/server/telemetry/metrics';
import type { RequestHandler } from './$types';

/** GET /metrics: Prometheus metrics, with METRICS=true; only with the bearer METRICS_TOKEN when it is set. */
export const GET: RequestHandler = async ({ url, request, locals }) => {
	const query = parseQuery(url, noQuery);
	if (!query.ok) return query.response;
	const { isEnabled, token } = locals.config.metrics;
	if (!isEnabled) return jsonError(404, 'not_found', 'metrics are off: set METRICS=true to serve them here');
	if (token !== undefined && !hasBearerToken(request.headers.get('authorization'), token)) {
		const response = jsonError(401, 'unauthorized', 'send METRICS_TOKEN as a bearer token');
		response.headers.set('www-authenticate', 'Bearer realm="dockpulse-metrics"');
		return response;
	}
	const { contentType, body } = await renderMetrics();
	return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
};
