import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A webhook receiver on 127.0.0.1 that records what it is sent and answers with scripted statuses. */
export class WebhookReceiver {
	readonly received: { body: unknown; headers: IncomingHttpHeaders }[] = [];
	private statuses: number[] = [];

	private constructor(private readonly server: Server, readonly url: string) {}

	static async start(): Promise<WebhookReceiver> {
		let receiver!: WebhookReceiver;
		const server = createServer((request, response) => {
			let text = '';
			request.on('data', (chunk) => (text += chunk));
			request.on('end', () => {
				receiver.received.push({ body: JSON.parse(text), headers: request.headers });
				response.writeHead(receiver.statuses.shift() ?? 200).end();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const address = server.address();
		const port = typeof address === 'object' && address ? address.port : 0;
		receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hook`);
		return receiver;
	}

	/** The next answers, in order; 200 once they are used up. */
	answerWith(...statuses: number[]): void {
		this.statuses.push(...statuses);
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}

/** An SMTP server on 127.0.0.1 that keeps every message it is sent (no TLS, any login). */
export class MailReceiver {
	readonly messages: { from: string; to: string[]; text: string }[] = [];
	private constructor(private readonly server: SMTPServer, readonly url: string) {}

	static async start(): Promise<MailReceiver> {
		let receiver!: MailReceiver;
		const server = new SMTPServer({
			secure: false,
			disabledCommands: ['STARTTLS'],
			authOptional: true,
			logger: false,
			onData(stream, session, callback) {
				let text = '';
				stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
				stream.on('end', () => {
					receiver.messages.push({
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to: session.envelope.rcptTo.map((r) => r.address),
						text
					});
					callback();
				});
			}
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const address = server.server.address();
		const port = typeof address === 'object' && address ? address.port : 0;
		receiver = new MailReceiver(server, `smtp://127.0.0.1:${port}`);
		return receiver;
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}

/**
 * A webhook receiver that reads each request whole, then answers one byte every `byteIntervalMs`
 * (a status line and headers of about 100 bytes: more than a minute and a half at one byte a second),
 * or at once in 'answer' mode. A raw TCP server, so that the trickle reaches the client's parser as is.
 */
export class TricklingReceiver {
	/** The X-Dockpulse-Delivery of every request read whole, in order. */
	readonly deliveryIds: string[] = [];
	/** Requests answered in full (at once, or a trickle that reached its end). */
	answered = 0;
	mode: 'trickle' | 'answer' = 'trickle';
	private readonly open = new Set<Socket>();
	static readonly answerText = `HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\nX-Padding: ${'.'.repeat(40)}\r\n\r\n`;

	private constructor(
		private readonly server: NetServer,
		readonly url: string,
		private readonly byteIntervalMs: number
	) {}

	static async start(byteIntervalMs = 1_000): Promise<TricklingReceiver> {
		let receiver!: TricklingReceiver;
		const server = createNetServer((socket) => receiver.serve(socket));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		receiver = new TricklingReceiver(server, `http://127.0.0.1:${port}/hook`, byteIntervalMs);
		return receiver;
	}

	/** Connections still open: an answer being trickled that the client has not given up on. */
	get openConnections(): number {
		return this.open.size;
	}

	private serve(socket: Socket) {
		this.open.add(socket);
		socket.on('close', () => this.open.delete(socket));
		socket.on('error', () => {});
		let text = '';
		socket.on('data', (chunk) => {
			text += chunk.toString('latin1');
			const headerEnd = text.indexOf('\r\n\r\n');
			if (headerEnd < 0) return;
			const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, headerEnd))?.[1] ?? 0);
			if (text.length < headerEnd + 4 + length) return;
			socket.removeAllListeners('data');
			this.deliveryIds.push(/x-dockpulse-delivery: *(\S+)/i.exec(text)?.[1] ?? '');
			if (this.mode === 'answer') return void socket.end(TricklingReceiver.answerText, () => this.answered++);
			this.trickle(socket, 0);
		});
	}

	private trickle(socket: Socket, sent: number) {
		if (socket.destroyed) return;
		if (sent === TricklingReceiver.answerText.length) return void socket.end(() => this.answered++);
		socket.write(TricklingReceiver.answerText[sent]!);
		setTimeout(() => this.trickle(socket, sent + 1), this.byteIntervalMs).unref();
	}

	close(): Promise<void> {
		for (const socket of this.open) socket.destroy();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}
