import { describe, expect, it } from 'vitest';
import { splitCitation } from '../../src/lib/components/overview/citation.js';
import { classifyChange, formatGrowth } from '../../src/lib/components/overview/growth-text.js';

describe('growth figures as the overview writes them', () => {
	it.each([
		[{ percent: 18_081.818, multiplier: 181.818 }, '+18,082% (x181.8)'],
		[{ percent: 183.043, multiplier: 2.8304 }, '+183% (x2.83)'],
		[{ percent: -25, multiplier: 0.75 }, '−25% (x0.75)'],
		[{ percent: null, multiplier: null }, 'new'],
		[{ percent: 50, multiplier: null }, '+50%']
	])('writes %j as %s', (growth, text) => {
		expect(formatGrowth(growth)).toBe(text);
	});

	it('colours up as good and down as bad', () => {
		expect([classifyChange(3), classifyChange(-1), classifyChange(0)]).toEqual(['up', 'down', 'flat']);
	});
});

describe('citations with links', () => {
	it('turns every URL into a link and keeps the punctuation after it as text', () => {
		const parts = splitCitation('"2.75M Downloads": slides: https://example.com/a/35805816; blog: https://blog.example.com/2014/06/x/');
		expect(parts).toEqual([
			{ kind: 'text', text: '"2.75M Downloads": slides: ' },
			{ kind: 'link', href: 'https://example.com/a/35805816' },
			{ kind: 'text', text: '; blog: ' },
			{ kind: 'link', href: 'https://blog.example.com/2014/06/x/' }
		]);
	});

	it('leaves a citation without a URL as one piece of text', () => {
		expect(splitCitation('derived: 6,700 x 6.15')).toEqual([{ kind: 'text', text: 'derived: 6,700 x 6.15' }]);
	});
});
