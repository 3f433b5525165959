import { building, dev } from '$app/environment';
import type { Handle, HandleServerError, RequestEvent, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { openStore, type Store } from '$lib/server/store';
import { stopOnSignals, waitAtMost } from '$lib/server/shutdown';
import { findForwardingHeader } from '$lib/server/auth/addresses';
import { decideRequest, hasWriteRights, sessionCookieName, type Decision, type RequestFacts } from '$lib/server/auth/decide';
import { findListenProblems } from '$lib/server/auth/listen';
import { ConfigError } from '$lib/server/config';
import { jsonError } from '$lib/server/http/errors';
import { BodyTooLargeError, formatBytes, getBodyLimitBytes, isBodyTooLarge, limitRequestBody } from '$lib/server/http/body-limit';
import {
	answerApiFailure,
	answerQueryTimeout,
	isQueryTimeout,
	isReservedActionRequest,
	logUnexpectedError,
	readRequestId,
	withRequestId
} from '$lib/server/http/failures';
import { createExportSlots, type ExportSlots } from '$lib/server/export/slots';
import { watchDatabase } from '$lib/server/telemetry/database';
import { configureLogging, log } from '$lib/server/telemetry/log';
import { observeHttpRequest } from '$lib/server/telemetry/metrics';
import type { Collection } from '$lib/types/collection';
import { startCollection } from '../jobs/index';

// One store per process. Kept on globalThis so that `vite dev` reloading this module neither opens
// the embedded database twice nor starts every schedule twice.
const state = globalThis as typeof globalThis & {
	dockpulse?: { store: Store; collection: Collection; exportSlots: ExportSlots };
};

export const init: ServerInit = async () => {
	if (building || state.dockpulse) return;
	const listenProblems = findListenProblems({ env: process.env, isBuilt: !dev, pid: process.pid });
	if (listenProblems.length > 0) throw new ConfigError(listenProblems);
	const store = await openStore(process.env);
	configureLogging({ level: store.config.logLevel, capturesConsole: true });
	const collection = startCollection(
		{ config: store.config, db: store.database.db },
		{ schedule: store.config.isSchedulingEnabled, catchUp: store.config.isCatchUpEnabled }
	);
	state.dockpulse = { store, collection, exportSlots: createExportSlots(store.config.limits.exportConcurrency) };
	watchDatabase(store.database);
	// On the same signal adapter-node closes idle keep-alive connections, stops listening and emits
	// sveltekit:shutdown once the requests in flight have ended (after SHUTDOWN_TIMEOUT at worst, 30 s).
	// Collection is aborted meanwhile; the requests get a few seconds; the database is closed last.
	const requestsEnded = new Promise((resolve) => process.once('sveltekit:shutdown', resolve));
	stopOnSignals({
		label: 'Dockpulse',
		listRunning: () => collection.listRunning(),
		stop: async () => {
			await Promise.all([collection.stop(), waitAtMost(requestsEnded, dev ? 0 : 3_000)]);
			await store.database.close();
		}
	});
	const { kind, location } = store.database;
	const writes = store.config.adminToken ? 'need ADMIN_TOKEN' : 'open to local callers';
	log.info(
		{ database: kind, location, jobs: collection.names.length, writes },
		`Dockpulse: database ${kind} (${location}), ${collection.names.length} scheduled job(s), writes ${writes}`
	);
	for (const note of collection.describeCredentials()) log.info({ credentials: note }, `Dockpulse: ${note}`);
	const { adapterBodyMaxBytes, importMaxBytes } = store.config.limits;
	if (adapterBodyMaxBytes < importMaxBytes) {
		log.warn(
			{ adapterBodyMaxBytes, importMaxBytes },
			`Dockpulse: imports are limited to ${formatBytes(adapterBodyMaxBytes)} by adapter-node's BODY_SIZE_LIMIT; ` +
				`set BODY_SIZE_LIMIT=Infinity (as npm start does) to let IMPORT_MAX_BYTES (${formatBytes(importMaxBytes)}) apply`
		);
	}
};

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
// Reachable without signing in even when REQUIRE_SIGN_IN is on.
const publicPaths = ['/signin', '/healthz'];

/**
 * A page a stranger may not read sends them to sign in, a page refused outright (an unknown Host) is a
 * plain 403; the API and every write get a JSON error.
 */
function refuse(decision: Extract<Decision, { ok: false }>, request: Request, url: URL, isWrite: boolean): Response {
	const isPageRead = !isWrite && !url.pathname.startsWith('/api/');
	if (isPageRead && decision.status === 403) {
		const headers = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' };
		return new Response(`403 Forbidden: ${decision.message}\n`, { status: 403, headers });
	}
	if (isPageRead && request.headers.get('accept')?.includes('text/html')) {
		const next = encodeURIComponent(url.pathname + url.search);
		return new Response(null, { status: 303, headers: { location: `/signin?next=${next}` } });
	}
	const response = jsonError(decision.status, decision.status === 401 ? 'unauthorized' : 'forbidden', decision.message);
	if (decision.status === 401) response.headers.set('www-authenticate', 'Bearer realm="dockpulse"');
	return response;
}

/** The socket's peer; adapter-node has none to give on a Unix socket, and throws if ADDRESS_HEADER is missing. */
function readPeerAddress(event: RequestEvent): string | null {
	try {
		return event.getClientAddress() || null;
	} catch {
		return null;
	}
}

const authorise: Handle = async ({ event, resolve }) => {
	const app = state.dockpulse;
	if (!app) return jsonError(503, 'starting', 'Dockpulse is starting; try again in a moment');
	event.locals.config = app.store.config;
	event.locals.database = app.store.database;
	event.locals.collection = app.collection;
	event.locals.exportSlots = app.exportSlots;

	const path = event.url.pathname;
	// With METRICS_TOKEN, /metrics is for the scraper that holds it (the route checks it), sign-in or not.
	const isMetricsScrape = path === '/metrics' && app.store.config.metrics.token !== undefined;
	const isPublic = publicPaths.some((p) => path === p || path.startsWith(`${p}/`)) || path.startsWith('/_app/') || isMetricsScrape;
	const facts: RequestFacts = {
		authorization: event.request.headers.get('authorization'),
		sessionCookie: event.cookies.get(sessionCookieName),
		origin: event.request.headers.get('origin'),
		host: event.request.headers.get('host'),
		peerAddress: readPeerAddress(event),
		forwardingHeader: findForwardingHeader(event.request.headers),
		nowMs: Date.now()
	};
	const isWrite = !readMethods.has(event.request.method);
	event.locals.canWrite = hasWriteRights(app.store.config, facts);
	const decision = decideRequest(app.store.config, facts, { isWrite, isPublic });
	if (!decision.ok) return refuse(decision, event.request, event.url, isWrite);
	return resolve(event);
};

// Requests whose error SvelteKit answered itself (after handleError): on /api/ that answer is replaced.
const failedRequests = new WeakSet<App.Locals>();
// Requests whose statement PostgreSQL cancelled (statement_timeout): on /api/ a 503, not a 500.
const timedOutRequests = new WeakSet<App.Locals>();

const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

/**
 * A body past its route's limit: JSON on /api/, plain text elsewhere. The connection is closed, since
 * the rest of the body was never read.
 */
function refuseBody(error: BodyTooLargeError, path: string): Response {
	const response = isApiPath(path)
		? jsonError(413, 'payload_too_large', error.message, { limitBytes: error.limitBytes })
		: new Response(`413 Payload Too Large: ${error.message}\n`, { status: 413, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	response.headers.set('connection', 'close');
	return response;
}

/**
 * Per-route body limits (src/lib/server/http/body-limit.ts): a declared length past the limit is refused
 * before anything reads; otherwise the body is counted as the handler reads it, and whatever the handler
 * made of a cut body (a parse error, a 400), the answer is the 413.
 */
const limitBodies: Handle = async ({ event, resolve }) => {
	const app = state.dockpulse;
	if (!app || event.request.body === null) return resolve(event);
	const path = event.url.pathname;
	const limited = limitRequestBody(event.request, getBodyLimitBytes(path, app.store.config.limits));
	if (!limited.ok) return refuseBody(limited.error, path);
	event.request = limited.request;
	const response = await resolve(event);
	if (!limited.isExceeded()) return response;
	await response.body?.cancel();
	return refuseBody(new BodyTooLargeError(getBodyLimitBytes(path, app.store.config.limits)), path);
};

/**
 * An id for every request (logged with its error, sent back as x-request-id), and on /api/ every error
 * in the documented JSON shape: SvelteKit's own answers (an unexpected error, an unknown path, a method
 * an endpoint does not have) are HTML or text pages otherwise.
 */
const traceRequest: Handle = async ({ event, resolve }) => {
	const requestId = readRequestId(event.request.headers.get('x-request-id'));
	event.locals.requestId = requestId;
	const path = event.url.pathname;
	if (!isApiPath(path)) {
		if (isReservedActionRequest(event.request.method, event.url)) {
			return withRequestId(new Response('No action named "default" here.', { status: 404 }), requestId);
		}
		return withRequestId(await resolve(event), requestId);
	}
	const request = { requestId, method: event.request.method, path };
	let response: Response;
	try {
		response = await resolve(event);
	} catch (error) {
		logUnexpectedError(error, request);
		return withRequestId(answerApiFailure(500, { ...request, allow: null }), requestId);
	}
	const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? false;
	if (timedOutRequests.has(event.locals)) {
		response = answerQueryTimeout();
	} else if (response.status >= 400 && (failedRequests.has(event.locals) || !isJson)) {
		response = answerApiFailure(response.status, { ...request, allow: response.headers.get('allow') });
	}
	return withRequestId(response, requestId);
};

/** Every answer counted and timed (to its headers) by route and status, for /metrics. */
const measureRequest: Handle = async ({ event, resolve }) => {
	const startedAt = performance.now();
	const response = await resolve(event);
	observeHttpRequest(event.request.method, event.route.id, response.status, (performance.now() - startedAt) / 1000);
	return response;
};

export const handle = sequence(measureRequest, traceRequest, limitBodies, authorise);

/** An unexpected error: logged with the request id, which the answer carries (the error itself stays here). */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	// A body cut at its limit is answered 413 by limitBodies, whatever the handler did with the error.
	if (isBodyTooLarge(error)) return { message: 'the request body is larger than this endpoint takes' };
	failedRequests.add(event.locals);
	if (isQueryTimeout(error)) {
		timedOutRequests.add(event.locals);
		const { requestId } = event.locals;
		log.error({ requestId, method: event.request.method, path: event.url.pathname }, `request ${requestId} cancelled by statement_timeout`);
		return { message: 'The database took too long to answer; try again, or narrow the request.', requestId: event.locals.requestId };
	}
	// A path that does not exist or a body past the limit is the caller's doing, not a failure to log.
	if (status < 500) return { message };
	const requestId = event.locals.requestId ?? readRequestId(null);
	return logUnexpectedError(error, { requestId, method: event.request.method, path: event.url.pathname });
};
