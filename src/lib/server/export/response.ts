import { log } from '../telemetry/log.js';

export interface StreamOptions {
	/** Past this long the stream ends with an error, whether or not the client is reading. */
	timeoutMs?: number;
	/** Called once when the stream is over: finished, failed, cancelled by the client or timed out. */
	onEnd?: () => void;
	/** Called when the deadline passes, e.g. to close a client's socket that no longer reads. */
	onTimeout?: () => void;
}

export class ExportTimeoutError extends Error {
	constructor(timeoutMs: number) {
		super(`the export passed its deadline of ${Math.round(timeoutMs / 1000)} s (EXPORT_TIMEOUT_MS) and was cut off`);
		this.name = 'ExportTimeoutError';
	}
}

/**
 * A web stream that asks the generator for the next chunk only when the client has read the last one,
 * so a slow download slows the database reads instead of piling text up in memory. A client that goes
 * away, an error or the deadline stops the generator (its `finally` releases what it holds) and calls
 * onEnd once.
 */
export function toReadableStream(chunks: AsyncGenerator<string>, options: StreamOptions = {}): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let timer: ReturnType<typeof setTimeout> | undefined;
	let isEnded = false;
	const end = async () => {
		if (isEnded) return;
		isEnded = true;
		clearTimeout(timer);
		try {
			await chunks.return(undefined);
		} finally {
			options.onEnd?.();
		}
	};
	return new ReadableStream<Uint8Array>(
		{
			start(controller) {
				if (options.timeoutMs === undefined) return;
				timer = setTimeout(() => {
					controller.error(new ExportTimeoutError(options.timeoutMs!));
					options.onTimeout?.();
					end().catch((error: Error) => log.error({ err: error }, 'ending a timed-out export failed'));
				}, options.timeoutMs);
			},
			async pull(controller) {
				try {
					const next = await chunks.next();
					if (next.done) {
						controller.close();
						await end();
					} else if (!isEnded) controller.enqueue(encoder.encode(next.value));
				} catch (error) {
					// After the deadline the generator's own failure (a cancelled COPY) is no news.
					if (!isEnded) controller.error(error);
					await end();
				}
			},
			cancel: end
		},
		{ highWaterMark: 1 }
	);
}
