/**
 * Answers kept in memory under a key that includes the data version (db/queries/data-version.ts), so
 * that none can be served stale: a write makes every key new, and old entries age out. Least recently
 * used first, bounded by the bytes of the bodies kept. One cache per database, so that two stores in
 * one process (tests, the bench) never share answers.
 */

export class AnswerCache {
	private readonly entries = new Map<string, string>();
	private bytes = 0;

	constructor(private readonly maxBytes: number) {}

	get(key: string): string | undefined {
		const body = this.entries.get(key);
		if (body === undefined) return undefined;
		// Map keeps insertion order: taking it out and back in makes it the most recently used.
		this.entries.delete(key);
		this.entries.set(key, body);
		return body;
	}

	set(key: string, body: string): void {
		// A body bigger than a quarter of the cache would push out most of it for one answer.
		if (body.length * 2 > this.maxBytes / 4 || this.entries.has(key)) return;
		this.entries.set(key, body);
		this.bytes += body.length * 2;
		for (const [oldest, oldBody] of this.entries) {
			if (this.bytes <= this.maxBytes) break;
			this.entries.delete(oldest);
			this.bytes -= oldBody.length * 2;
		}
	}

	get sizeBytes(): number {
		return this.bytes;
	}
}

const caches = new WeakMap<object, AnswerCache>();

/** The cache of one database (its Db object); created on first use. */
export function getAnswerCache(db: object, maxBytes: number): AnswerCache {
	let cache = caches.get(db);
	if (!cache) {
		cache = new AnswerCache(maxBytes);
		caches.set(db, cache);
	}
	return cache;
}
