/**
 * The CSV exports streaming at once in this process. Each holds database work (and on PostgreSQL's
 * fast path a connection of its own) for as long as its client reads, so past EXPORT_CONCURRENCY a new
 * one is refused at once (503 with Retry-After) rather than queued behind slow downloads.
 */
export interface ExportSlots {
	/** A release function (safe to call twice), or undefined when every slot is taken. */
	tryAcquire(): (() => void) | undefined;
	readonly inUse: number;
	readonly max: number;
}

export function createExportSlots(max: number): ExportSlots {
	let inUse = 0;
	return {
		get inUse() {
			return inUse;
		},
		max,
		tryAcquire() {
			if (inUse >= max) return undefined;
			inUse++;
			let isReleased = false;
			return () => {
				if (isReleased) return;
				isReleased = true;
				inUse--;
			};
		}
	};
}
