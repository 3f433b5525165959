/** Work in progress, counted by name: what a stopping process waits for, and names when it waits too long. */
export class InFlight {
	private readonly counts = new Map<string, number>();
	private waiters: (() => void)[] = [];

	enter(name: string): void {
		this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
	}

	leave(name: string): void {
		const count = (this.counts.get(name) ?? 0) - 1;
		if (count > 0) this.counts.set(name, count);
		else this.counts.delete(name);
		if (this.counts.size > 0) return;
		for (const resolve of this.waiters.splice(0)) resolve();
	}

	/** The names of the work in progress, sorted. */
	list(): string[] {
		return [...this.counts.keys()].sort();
	}

	/** Resolves when nothing is in progress (at once if nothing is). */
	idle(): Promise<void> {
		if (this.counts.size === 0) return Promise.resolve();
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	/** Counts `work` as in progress under `name` until it settles. */
	async track<T>(name: string, work: () => Promise<T>): Promise<T> {
		this.enter(name);
		try {
			return await work();
		} finally {
			this.leave(name);
		}
	}
}
