/**
 * A 10-million-row CSV export through the built server (GET /api/export.csv, every series of the bench
 * database by pattern), against PostgreSQL's own `COPY (the same rows) TO STDOUT`; the server's
 * resident memory is sampled from /proc while the export streams, to show it stays flat.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { benchUrl } from './engines.js';
import { throughputOf, type Throughput } from './measure.js';
import type { BenchServer } from './pages.js';
import { sampleRss } from './proc.js';

export interface ExportResults {
	rows: number;
	bytes: number;
	export: Throughput;
	copyTo: Throughput;
	exportVsCopy: number;
	/** Server RSS in MB before the export and the highest seen during it (sampled every 100 ms). */
	rssBeforeMb: number;
	rssPeakMb: number;
}

/** Reads a byte stream to its end, counting bytes and lines (rows, the header included). */
async function drain(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: number; lines: number }> {
	let bytes = 0;
	let lines = 0;
	for await (const chunk of chunks) {
		bytes += chunk.length;
		for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
	}
	return { bytes, lines };
}

async function timeServerExport(server: BenchServer): Promise<{ bytes: number; rows: number; ms: number; rssBeforeMb: number; rssPeakMb: number }> {
	const rss = sampleRss(server.pid);
	try {
		const startedAt = performance.now();
		const response = await fetch(`${server.url}/api/export.csv?series=${encodeURIComponent('github:bench/*:stars')}`);
		if (!response.ok || !response.body) throw new Error(`export answered ${response.status}: ${await response.text()}`);
		const { bytes, lines } = await drain(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>));
		const ms = performance.now() - startedAt;
		return { bytes, rows: lines - 1, ms, rssBeforeMb: rss.beforeMb, rssPeakMb: rss.stop() };
	} finally {
		rss.stop();
	}
}

/** The same columns, the same order and the same text forms, written by PostgreSQL itself. */
const copyStatement = `copy (
	select t.source || ':' || t.key || ':' || s.metric, t.source || ':' || t.key, s.metric,
		to_char(x.ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), x.value, x.provenance, array_to_string(x.flags, ' ')
	from targets t join series s on s.target_id = t.id join samples x on x.series_id = s.id
	where t.source = 'github' and t.key like 'bench/%' and s.metric = 'stars'
	order by t.source, t.key, s.metric, x.ts
) to stdout with (format csv, header)`;

async function timeCopyTo(admin: string): Promise<{ bytes: number; rows: number; ms: number }> {
	const client = new pg.Client({ connectionString: benchUrl(admin) });
	await client.connect();
	try {
		const startedAt = performance.now();
		const { bytes, lines } = await drain(client.query(copyTo(copyStatement)));
		return { bytes, rows: lines - 1, ms: performance.now() - startedAt };
	} finally {
		await client.end();
	}
}

export async function runExportBench(server: BenchServer, admin: string): Promise<ExportResults> {
	const ours = await timeServerExport(server);
	console.log(`  export: ${ours.rows.toLocaleString('en')} rows in ${(ours.ms / 1000).toFixed(1)} s, RSS ${ours.rssBeforeMb.toFixed(0)} -> peak ${ours.rssPeakMb.toFixed(0)} MB`);
	const copy = await timeCopyTo(admin);
	console.log(`  COPY TO: ${copy.rows.toLocaleString('en')} rows in ${(copy.ms / 1000).toFixed(1)} s`);
	if (copy.rows !== ours.rows) throw new Error(`the export wrote ${ours.rows} rows, COPY TO ${copy.rows}`);
	const exportThroughput = throughputOf(ours.rows, ours.ms);
	const copyThroughput = throughputOf(copy.rows, copy.ms);
	return {
		rows: ours.rows,
		bytes: ours.bytes,
		export: exportThroughput,
		copyTo: copyThroughput,
		exportVsCopy: exportThroughput.rowsPerSec / copyThroughput.rowsPerSec,
		rssBeforeMb: ours.rssBeforeMb,
		rssPeakMb: ours.rssPeakMb
	};
}
