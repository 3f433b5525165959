import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

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
