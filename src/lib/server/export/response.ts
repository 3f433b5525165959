/**
 * A web stream that asks the generator for the next chunk only when the client has read the last one,
 * so a slow download slows the database reads instead of piling text up in memory. A client that goes
 * away stops the generator (and with it the reads).
 */
export function toReadableStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				const next = await chunks.next();
				if (next.done) controller.close();
				else controller.enqueue(encoder.encode(next.value));
			},
			async cancel() {
				await chunks.return(undefined);
			}
		},
		{ highWaterMark: 1 }
	);
}
