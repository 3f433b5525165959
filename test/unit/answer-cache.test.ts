import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/lib/server/cache/answer-cache.js';

// Bodies are counted as UTF-16: two bytes a character.
const body = (chars: number, fill = 'x') => fill.repeat(chars);

describe('the answer cache', () => {
	it('keeps answers within its bytes, dropping the least recently used first', () => {
		// Five answers of 400 bytes fit in 2,000.
		const cache = new AnswerCache(2_000);
		for (const key of ['a', 'b', 'c', 'd', 'e']) cache.set(key, body(200, key));
		expect(cache.sizeBytes).toBe(2_000);
		expect(cache.get('a')).toBe(body(200, 'a'));
		// A sixth: b, used least recently (a was just read), goes.
		cache.set('f', body(200, 'f'));
		expect(cache.sizeBytes).toBe(2_000);
		expect(cache.get('b')).toBeUndefined();
		expect(['a', 'c', 'd', 'e', 'f'].map((key) => cache.get(key))).toEqual(['a', 'c', 'd', 'e', 'f'].map((key) => body(200, key)));
	});

	it('refuses an answer larger than a quarter of it, rather than emptying itself for one', () => {
		const cache = new AnswerCache(4_000);
		cache.set('small', body(100));
		cache.set('big', body(501));
		expect(cache.get('big')).toBeUndefined();
		expect(cache.get('small')).toBe(body(100));
		expect(cache.sizeBytes).toBe(200);
	});

	it('keeps the first answer of a key, counted once', () => {
		const cache = new AnswerCache(4_000);
		cache.set('k', body(100, 'a'));
		cache.set('k', body(100, 'b'));
		expect(cache.get('k')).toBe(body(100, 'a'));
		expect(cache.sizeBytes).toBe(200);
	});
});
