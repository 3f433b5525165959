import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestForecast } from '../src/lib/server/forecast/backtest.js';
import { describeMethod } from '../src/lib/server/metrics/forecast.js';

/**
 * npm run backtest:forecast [-- <folder> [<hidden days>]]: for each recorded history in the folder
 * (default test/fixtures/realworld, `<source>-<namespace>-<name>-<metric>.csv` with `ts,value` rows of
 * one value per day), hides the last days (default 90), forecasts them and prints the errors.
 */

const [folder = 'test/fixtures/realworld', holdoutText = '90'] = process.argv.slice(2);
const holdoutDays = Number(holdoutText);
if (!Number.isInteger(holdoutDays) || holdoutDays < 1) throw new Error(`hidden days: expected a whole number above 0, got "${holdoutText}"`);

function readHistory(path: string): [number, number][] {
	const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
	return lines.map((line) => {
		const [day, value] = line.split(',');
		const tMs = Date.parse(`${day}T00:00:00Z`);
		if (Number.isNaN(tMs) || !Number.isFinite(Number(value))) throw new Error(`${path}: cannot read the row "${line}"`);
		return [tMs, Number(value)];
	});
}

const format = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)}%`);
const files = readdirSync(folder).filter((name) => /^(dockerhub|github)-.+\.csv$/.test(name)).sort();
console.log(`Forecast backtest: ${describeMethod()}; the last ${holdoutDays} days hidden\n`);
console.log(['series', 'days', 'MAPE', 'growth error', 'inside 80%', 'inside 95%'].join(' | '));
const rows = files.map((name) => ({ name, outcome: backtestForecast(readHistory(join(folder, name)), holdoutDays) }));
for (const { name, outcome } of rows) {
	const series = name.replace(/\.csv$/, '');
	if (!outcome.ok) console.log(`${series} | ${outcome.reason}`);
	else {
		const r = outcome.result;
		console.log([series, r.days, format(r.mapePercent), format(r.growthErrorPercent), format(r.inside80Percent), format(r.inside95Percent)].join(' | '));
	}
}
const results = rows.flatMap(({ outcome }) => (outcome.ok ? [outcome.result] : []));
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;
console.log(
	`\nmedian of ${results.length} series: MAPE ${format(median(results.map((r) => r.mapePercent)))}, growth error ${format(median(results.flatMap((r) => (r.growthErrorPercent === null ? [] : [r.growthErrorPercent]))))}, inside 80% ${format(median(results.map((r) => r.inside80Percent)))}, inside 95% ${format(median(results.map((r) => r.inside95Percent)))}`
);
const totalDays = results.reduce((s, r) => s + r.days, 0);
const pooled = (of: (r: (typeof results)[number]) => number) => (100 * results.reduce((s, r) => s + (of(r) * r.days) / 100, 0)) / totalDays;
console.log(`all ${totalDays} hidden days pooled: inside 80% ${format(pooled((r) => r.inside80Percent))}, inside 95% ${format(pooled((r) => r.inside95Percent))}`);
