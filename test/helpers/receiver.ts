import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
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
