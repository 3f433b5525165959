import { describe, expect, it } from 'vitest';
import { memoUnderVersion } from '../../src/lib/server/cache/version-memo.js';

describe('reads memoised under a data version', () => {
	it('shares one read among the callers of a version, reads again for a new version, and keeps each database apart', async () => {
		const db = {};
		let reads = 0;
		const read = async () => ++reads;
		const together = await Promise.all([1, 2, 3].map(() => memoUnderVersion(db, 'count', 'v1', read)));
		expect(together).toEqual([1, 1, 1]);
		expect(await memoUnderVersion(db, 'count', 'v2', read)).toBe(2);
		expect(await memoUnderVersion(db, 'count', 'v2', read)).toBe(2);
		// Only the newest version asked for is kept: going back reads again (and is never served v2's value).
		expect(await memoUnderVersion(db, 'count', 'v1', read)).toBe(3);
		expect(await memoUnderVersion({}, 'count', 'v1', read)).toBe(4);
		expect(await memoUnderVersion(db, 'other', 'v1', read)).toBe(5);
	});

	it('does not keep a failed read: the next caller of the same version reads again', async () => {
		const db = {};
		let calls = 0;
		const read = async () => {
			calls++;
			if (calls === 1) throw new Error('connection lost');
			return 'answer';
		};
		await expect(memoUnderVersion(db, 'flaky', 'v1', read)).rejects.toThrow('connection lost');
		expect(await memoUnderVersion(db, 'flaky', 'v1', read)).toBe('answer');
		expect(calls).toBe(2);
	});
});
