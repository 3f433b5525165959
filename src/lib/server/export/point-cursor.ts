/** Reads a series point by point, a page at a time: for the merge of the wide layout and yoy's year-earlier copy. */
export class PointCursor<P extends { tMs: number }> {
	private page: P[] = [];
	private index = 0;
	constructor(private readonly pages: AsyncGenerator<P[]>) {}

	async peek(): Promise<P | undefined> {
		while (this.index >= this.page.length) {
			const next = await this.pages.next();
			if (next.done) return undefined;
			this.page = next.value;
			this.index = 0;
		}
		return this.page[this.index];
	}

	advance(): void {
		this.index++;
	}

	/**
	 * The point at exactly `tMs`, or undefined when there is none, skipping every point before it.
	 * Calls must come with times that never decrease: skipped points are gone.
	 */
	async seek(tMs: number): Promise<P | undefined> {
		for (let head = await this.peek(); head !== undefined; head = await this.peek()) {
			if (head.tMs > tMs) return undefined;
			if (head.tMs === tMs) return head;
			this.advance();
		}
		return undefined;
	}
}
