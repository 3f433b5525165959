import { describe, expect, it } from 'vitest';
import { computeTimeTicks, computeValueAxis } from '../../src/lib/server/report/chart-axes.js';
import { renderLineChartSvg, type ChartLine } from '../../src/lib/server/report/chart-svg.js';

/**
 * The problems that make an XML parser refuse a document: unbalanced or crossed tags, more than one
 * root, a bare `<` or `&`, an attribute value with `<` or an unescaped quote, a character XML 1.0
 * forbids. (The browser test parses a bundle's chart with Chromium's own XML parser as well.)
 */
function listXmlProblems(xml: string): string[] {
	const problems: string[] = [];
	if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)) problems.push('a character XML 1.0 forbids');
	const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
	const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
	const stack: string[] = [];
	let roots = 0;
	for (const m of body.matchAll(token)) {
		if (m[6]) problems.push(`a bare < at ${m.index}`);
		const text = m[5] ?? m[3] ?? '';
		if (text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, '').includes('&')) problems.push(`a bare & in ${JSON.stringify(text)}`);
		if (m[5] !== undefined) {
			if (stack.length === 0 && m[5].trim() !== '') problems.push('text outside the root');
		} else if (m[1]) {
			if (stack.pop() !== m[2]) problems.push(`</${m[2]}> closes another element`);
		} else if (m[2]) {
			if (stack.length === 0) roots++;
			if (!m[4]) stack.push(m[2]);
		}
	}
	if (stack.length > 0) problems.push(`unclosed: ${stack.join(' ')}`);
	if (roots !== 1) problems.push(`${roots} root elements`);
	return problems;
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const period = { title: 'Dockpulse growth report', period: '2020-01-01 to 2021-01-01', startMs: day('2020-01-01'), endMs: day('2021-01-01') };
const pathsOf = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);

describe('the report chart as SVG', () => {
	it('draws a titled chart with its period, round ticks, one line per series and a legend, as well-formed XML', () => {
		const lines: ChartLine[] = [
			{ name: 'moby/moby, stars (github:moby/moby:stars)', points: [[day('2020-01-01'), 1000], [day('2020-07-01'), 1500], [day('2021-01-01'), 2500]] },
			{ name: 'docker/compose, stars (github:docker/compose:stars)', points: [[day('2020-01-01'), 200], [day('2021-01-01'), 900]] }
		];
		const svg = renderLineChartSvg({ ...period, lines });
		expect(listXmlProblems(svg)).toEqual([]);
		expect(svg).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
		expect(svg).toContain('>Dockpulse growth report</text>');
		expect(svg).toContain('>2020-01-01 to 2021-01-01</text>');
		expect(pathsOf(svg)).toHaveLength(2);
		for (const line of lines) expect(svg).toContain(`>${line.name}</text>`);
		// A linear axis from 0 to 2,500 in steps of 500, months on the time axis.
		for (const label of ['0', '500', '1,000', '2,500', '2020-04', '2020-07', 'value']) expect(svg).toContain(`>${label}</text>`);
		expect(svg).not.toContain('log scale');
	});

	it('escapes names and titles, and replaces characters XML cannot hold', () => {
		const name = `<script>alert("x")</script> & 'quotes' \u0001`;
		const svg = renderLineChartSvg({ ...period, title: 'A < B & C', lines: [{ name, points: [[day('2020-02-01'), 5], [day('2020-03-01'), 6]] }] });
		expect(listXmlProblems(svg)).toEqual([]);
		expect(svg).not.toContain('<script>');
		expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos; \uFFFD</text>');
		expect(svg).toContain('data-name="&lt;script&gt;');
		expect(svg).toContain('>A &lt; B &amp; C</text>');
		// The check itself refuses what an unescaped name would have made.
		expect(listXmlProblems(svg.replace('A &lt; B &amp; C', 'A < B & C'))).toEqual([expect.stringMatching(/^a bare < at \d+$/), 'a bare & in " B & C"']);
		expect(listXmlProblems('<svg><g></svg>')).toEqual(['</svg> closes another element', 'unclosed: svg']);
	});

	it('breaks a line where a value is null and draws a lone point as a dot', () => {
		// Past 60 points a line carries no markers: any dot is a lone point.
		const points: [number, number | null][] = Array.from({ length: 100 }, (_, i) => [day('2020-01-01') + i * 86_400_000, i]);
		points[50]![1] = null;
		points[97]![1] = null;
		points[99]![1] = null;
		const svg = renderLineChartSvg({ ...period, lines: [{ name: 'gappy', points }] });
		expect(listXmlProblems(svg)).toEqual([]);
		const [d] = pathsOf(svg);
		// Three runs: 0-49 and 51-96 are lines, 98 alone is a dot.
		expect(d!.match(/M/g)).toHaveLength(2);
		expect(d!.match(/L/g)).toHaveLength(49 + 45);
		expect(svg.match(/<circle /g)).toHaveLength(1);
	});

	it('says there is no data when no series has a value, still as well-formed XML', () => {
		for (const lines of [[], [{ name: 'empty', points: [] }], [{ name: 'all gaps', points: [[day('2020-02-01'), null]] as [number, null][] }]]) {
			const svg = renderLineChartSvg({ ...period, lines });
			expect(listXmlProblems(svg)).toEqual([]);
			expect(svg).toContain('>No data in this period</text>');
			expect(pathsOf(svg)).toEqual([]);
			expect(svg).not.toContain('<circle');
		}
	});

	it('turns the value axis logarithmic when positive values span three orders of magnitude', () => {
		const lines: ChartLine[] = [
			{ name: 'pulls', points: [[day('2014-06-09'), 2_750_000], [day('2015-06-22'), 500_000_000]] },
			{ name: 'contributors', points: [[day('2014-06-09'), 460], [day('2015-06-22'), 1302]] }
		];
		const svg = renderLineChartSvg({ ...period, startMs: day('2014-06-09'), endMs: day('2015-06-22'), lines });
		expect(listXmlProblems(svg)).toEqual([]);
		expect(svg).toContain('>value (log scale)</text>');
		// 460 to 500M: every other power of ten, from 100 to the tick above 500M.
		for (const label of ['100', '10K', '1M', '100M', '10B']) expect(svg).toContain(`>${label}</text>`);
	});
});

describe('chart axes', () => {
	it('steps a linear axis by 1, 2 or 5 x 10^k around the data, and a flat series around its value', () => {
		expect(computeValueAxis(0, 2500, false, String)).toEqual({ min: 0, max: 2500, ticks: [0, 500, 1000, 1500, 2000, 2500].map((at) => ({ at, label: String(at) })) });
		expect(computeValueAxis(-3, 7, false, String).ticks.map((t) => t.at)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
		const flat = computeValueAxis(40, 40, false, String);
		expect(flat.min).toBeLessThan(40);
		expect(flat.max).toBeGreaterThan(40);
	});

	it('puts time ticks on whole years, months or days', () => {
		expect(computeTimeTicks(day('2014-06-09'), day('2015-06-22')).map((t) => t.label)).toEqual(['2014-07', '2014-10', '2015-01', '2015-04']);
		expect(computeTimeTicks(day('2010-03-01'), day('2020-03-01')).map((t) => t.label)).toEqual(['2012', '2014', '2016', '2018', '2020']);
		expect(computeTimeTicks(day('2020-01-01'), day('2020-01-05')).map((t) => t.label)).toEqual(['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04', '2020-01-05']);
	});
});
