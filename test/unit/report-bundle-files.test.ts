import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildBundleMetadata, formatBundleReadme, hashSha256, packBundle, textFile, type BundleFacts } from '../../src/lib/server/report/bundle-files.js';
import type { GrowthReport } from '../../src/lib/server/report/build.js';
import type { ReportRow } from '../../src/lib/types/report.js';

const row: ReportRow = {
	series: 'github:moby/moby:stars',
	target: 'github:moby/moby',
	targetName: 'moby/moby',
	metric: 'stars',
	start: { requested: '2020-01-01T00:00:00.000Z', ts: '2019-12-31T00:00:00.000Z', value: 1000, provenance: 'observed' },
	end: { requested: '2020-12-31T23:59:59.999Z', ts: '2020-12-31T00:00:00.000Z', value: 2500, provenance: 'imported' },
	change: 1500,
	growthPercent: 150,
	multiplier: 2.5,
	cagrPercent: 150,
	previousGrowthPercent: null,
	method: 'observed snapshots to imported history',
	citations: ['"2.75M Downloads": https://example.org/slides'],
	warnings: ['a base of 1,000 is below 5,000: the percentage says little'],
	statement: 'moby/moby stars grew 150% (x2.5) from 1,000 on 2019-12-31 to 2,500 on 2020-12-31',
	isPublishedPercentOnly: false,
	publishedPeriod: null
};

const report: GrowthReport = {
	period: { start: '2020-01-01T00:00:00.000Z', end: '2020-12-31T23:59:59.999Z', previousStart: '2019-01-02T00:00:00.001Z', label: '2020-01-01 to 2020-12-31' },
	minBase: 5000,
	rows: [row, { ...row, series: 'github:docker/cli:stars', citations: [...row.citations], warnings: [] }]
};

const facts: BundleFacts = {
	report,
	parameters: new URLSearchParams('series=github:moby/moby:stars&series=github:docker/cli:stars&from=2020-01-01&to=2020-12-31&minBase=5000'),
	generatedAt: new Date('2026-12-01T10:00:00Z'),
	version: '9.8.7',
	dataFrom: new Date('2019-12-31T00:00:00Z'),
	bundleWarnings: ['chart.svg draws the first 10 of the 12 series; data.csv holds them all']
};

describe('report bundle metadata and zip', () => {
	it('lists the SHA-256 and size of every file it describes', () => {
		// FIPS 180-2 test vectors: the hash is SHA-256 itself, not a look-alike.
		expect(hashSha256(new TextEncoder().encode(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(hashSha256(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		const files = [textFile('report.csv', 'abc'), textFile('chart.svg', ''), textFile('README.txt', 'é')];
		expect(buildBundleMetadata(facts, files).files).toEqual([
			{ name: 'report.csv', bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
			{ name: 'chart.svg', bytes: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
			// UTF-8 bytes: é is two.
			{ name: 'README.txt', bytes: 2, sha256: hashSha256(new Uint8Array([0xc3, 0xa9])) }
		]);
	});

	it('records the parameters, version, period, methods, citations once and warnings by series', () => {
		const metadata = buildBundleMetadata(facts, []);
		expect(metadata).toMatchObject({
			generatedAt: '2026-12-01T10:00:00.000Z',
			dockpulse: { version: '9.8.7' },
			request: '/api/report?series=github%3Amoby%2Fmoby%3Astars&series=github%3Adocker%2Fcli%3Astars&from=2020-01-01&to=2020-12-31&minBase=5000',
			parameters: { series: ['github:moby/moby:stars', 'github:docker/cli:stars'], from: '2020-01-01', to: '2020-12-31', minBase: '5000' },
			period: report.period,
			minBase: 5000,
			citations: ['"2.75M Downloads": https://example.org/slides'],
			warnings: ['github:moby/moby:stars: a base of 1,000 is below 5,000: the percentage says little', facts.bundleWarnings[0]]
		});
		expect(metadata.methods.valueAt).toMatch(/^each end of the period is read as the nearest sample on or before it/);
		expect(metadata.methods.growth).toContain('growth_percent = (end - start) / |start| x 100');
		expect(metadata.methods.previousPeriod).toContain('2019-01-02T00:00:00.001Z');
		expect(metadata.methods.minBase).toContain('below 5000');
		expect(metadata.methods.series).toEqual({ 'github:moby/moby:stars': 'observed snapshots to imported history', 'github:docker/cli:stars': 'observed snapshots to imported history' });
		expect(metadata.methods.data).toContain('from 2019-12-31T00:00:00.000Z to 2020-12-31T23:59:59.999Z');
	});

	it('works a real row through in the README', () => {
		const readme = formatBundleReadme(facts);
		expect(readme).toContain('Dockpulse 9.8.7 growth report, 2020-01-01 to 2020-12-31, generated 2026-12-01T10:00:00.000Z.');
		expect(readme).toContain('the row of 2019-12-31T00:00:00.000Z holds 1000');
		expect(readme).toContain('(2500 - 1000) / 1000 x 100 = 150, the growth_percent in report.csv.');
	});

	it('packs the files into a zip that unpacks to the same names, order and bytes', () => {
		const files = [textFile('report.csv', 'a,b\r\n1,2\r\n'), textFile('chart.svg', '<svg/>'), { name: 'data.csv', content: new Uint8Array(200_000).fill(65) }];
		const entries = unzipSync(packBundle(files, facts.generatedAt));
		expect(Object.keys(entries)).toEqual(['report.csv', 'chart.svg', 'data.csv']);
		expect(strFromU8(entries['report.csv']!)).toBe('a,b\r\n1,2\r\n');
		expect(entries['data.csv']).toEqual(files[2]!.content);
	});
});
