import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Docker Hub and GitHub on 127.0.0.1: serves recorded answers by path and injects
 * faults on demand. Each path has a queue of answers; the last one repeats. Every request is logged.
 * Used by the collector tests and the collector benchmark.
 */

/**
 * hang: never answered; hold: answered when release(path) is called; truncate: cut mid-body;
 * endless: a chunked body (no content-length) that goes on until the client hangs up.
 */
export type Fault = 'hang' | 'hold' | 'truncate' | 'endless';

export interface ReplayAnswer {
	status?: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string as it is. */
	body?: unknown;
	fault?: Fault;
}

export interface LoggedRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
}

export class ReplayServer {
	readonly requests: LoggedRequest[] = [];
	private readonly routes = new Map<string, ReplayAnswer[]>();
	private readonly hanging = new Set<ServerResponse>();
	private readonly held: { path: string; response: ServerResponse; answer: ReplayAnswer }[] = [];

	private constructor(
		private readonly server: Server,
		readonly url: string
	) {}

	/** latencyMs: how long every answer waits before it is sent, as a distant server would. */
	static async start(options: { latencyMs?: number } = {}): Promise<ReplayServer> {
		let replay: ReplayServer | undefined;
		const latencyMs = options.latencyMs ?? 0;
		const server = createServer((request, response) => {
			if (latencyMs > 0) setTimeout(() => replay!.answer(request, response), latencyMs);
			else replay!.answer(request, response);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		replay = new ReplayServer(server, `http://127.0.0.1:${port}`);
		return replay;
	}

	/** Answers `path` (with its query string) with these answers in turn, the last one for ever after. */
	route(path: string, ...answers: ReplayAnswer[]): this {
		this.routes.set(path, answers);
		return this;
	}

	countRequests(path?: string): number {
		return path === undefined ? this.requests.length : this.requests.filter((r) => r.path === path).length;
	}

	private answer(request: IncomingMessage, response: ServerResponse) {
		const path = request.url ?? '/';
		this.requests.push({ method: request.method ?? 'GET', path, headers: request.headers });
		const queue = this.routes.get(path);
		const answer = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? {
			status: 404,
			body: { message: 'object not found', errinfo: {} }
		};
		if (answer.fault === 'hang') {
			this.hanging.add(response);
			return;
		}
		if (answer.fault === 'hold') {
			this.held.push({ path, response, answer: { ...answer, fault: undefined } });
			return;
		}
		this.send(response, answer);
	}

	/** Answers the requests held on `path` (fault 'hold') with their answer; how many there were. */
	release(path: string): number {
		const released = this.held.filter((h) => h.path === path);
		for (const h of released) {
			this.held.splice(this.held.indexOf(h), 1);
			this.send(h.response, h.answer);
		}
		return released.length;
	}

	private send(response: ServerResponse, answer: ReplayAnswer) {
		if (answer.fault === 'endless') return this.sendEndless(response, answer);
		const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
		response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
		if (answer.fault === 'truncate') {
			response.write(body.slice(0, Math.floor(body.length / 2)));
			// Cut the connection mid-body, as a dropped proxy would.
			setTimeout(() => response.socket?.destroy(), 5);
			return;
		}
		response.end(body);
	}

	/** Bytes of endless bodies written so far, all paths together. */
	endlessBytesSent = 0;

	private sendEndless(response: ServerResponse, answer: ReplayAnswer) {
		response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
		const chunk = Buffer.alloc(64 * 1024, 'x');
		response.write('"');
		// Written as fast as the client reads (the write callback), until it goes away.
		const writeMore = () => {
			if (response.destroyed || !response.writable) return;
			this.endlessBytesSent += chunk.length;
			response.write(chunk, () => setImmediate(writeMore));
		};
		response.on('error', () => {});
		writeMore();
	}

	async close(): Promise<void> {
		for (const response of [...this.hanging, ...this.held.map((h) => h.response)]) response.socket?.destroy();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
