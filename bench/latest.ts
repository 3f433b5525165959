/**
 * `npm run bench:latest`: latest values of every series read from series_latest (migration 0010)
 * against the probe of samples it replaced, and one page of 100 targets from the middle of the list
 * (latestPageQuery, GET /api/targets?limit=100&after=...), at 2,740 and 27,400 series (LATEST_SERIES, comma-separated:
 * add 100000 for the target), on PostgreSQL and on an in-memory PGlite store; and what keeping
 * series_latest costs writers: the statement-level triggers we ship, no trigger at all, and a row-level
 * trigger (what maintaining it row by row, in a trigger or in our writers, would cost).
 *
 * Environment: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres);
 * LATEST_SERIES (default 2740,27400); LATEST_SAMPLES samples per series (default 30, daily); LATEST_ENGINES
 * (default postgres,pglite).
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../src/lib/server/db/client.js';
import { latestPageQuery, latestValuesQuery } from '../src/lib/server/db/queries/latest.js';
import { upsertSamples } from '../src/lib/server/db/queries/samples.js';
import { adminUrl, openPgliteEngine } from './engines.js';
import { explainMs, growTo, middlePageRequest, openLatestPostgres, timeRuns } from './latest-values.js';
import { timeOnce, type LatencyStats } from './measure.js';

const seriesSteps = (process.env.LATEST_SERIES ?? '2740,27400').split(',').map(Number);
const samplesPerSeries = Number(process.env.LATEST_SAMPLES ?? 30);
const engines = (process.env.LATEST_ENGINES ?? 'postgres,pglite').split(',');
const iterations = 20;

/** The read before series_latest: one backward probe of the samples primary key per series. */
const probeQuery: SQL = sql`
	select t.source, t.key, t.display_name, (extract(epoch from t.added_at) * 1000)::float8 as added_ms,
		t.is_active, t.status, t.status_message, (extract(epoch from t.last_collected_at) * 1000)::float8 as collected_ms,
		t.metadata->'removedListed' as removed_listed,
		s.metric, s.unit, s.kind,
		(extract(epoch from l.ts) * 1000)::float8 as latest_ms, l.value as latest_value,
		l.provenance as latest_provenance
	from targets t
	left join series s on s.target_id = t.id
	left join lateral (
		select ts, value, provenance from samples where series_id = s.id order by ts desc limit 1
	) l on true
	order by t.source, t.key, s.metric`;

const timeQuery = (db: Db, query: SQL, times = iterations) => timeRuns(() => queryRows(db, query), times);

const fmt = (s: LatencyStats) => `${s.p50Ms.toFixed(1)}/${s.p95Ms.toFixed(1)}`;

async function benchReads(name: string, db: Db): Promise<void> {
	let have = 0;
	const pages: { count: number; stats: LatencyStats }[] = [];
	for (const count of seriesSteps) {
		const startedAt = performance.now();
		await growTo(db, have, count, samplesPerSeries);
		have = count;
		const [check] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from series_latest`);
		if (check!.n < count) throw new Error(`series_latest holds ${check!.n} rows for ${count} series`);
		const before = await timeQuery(db, probeQuery);
		const after = await timeQuery(db, latestValuesQuery);
		const [beforeSqlMs, afterSqlMs] = [await explainMs(db, probeQuery), await explainMs(db, latestValuesQuery)];
		const pageQuery = latestPageQuery(await middlePageRequest(db, count));
		// A page costs milliseconds: ten times the reads, for a p95 that is not just the slowest of 20.
		const page = await timeQuery(db, pageQuery, iterations * 10);
		const pageSqlMs = await explainMs(db, pageQuery);
		pages.push({ count, stats: page });
		const loadS = ((performance.now() - startedAt) / 1000).toFixed(1);
		console.log(
			`  ${name} ${count} series (load ${loadS} s): probe of samples p50/p95 ${fmt(before)} ms (server ${beforeSqlMs.toFixed(1)} ms), ` +
				`series_latest ${fmt(after)} ms (server ${afterSqlMs.toFixed(1)} ms), ` +
				`a page of 100 ${fmt(page)} ms (server ${pageSqlMs.toFixed(2)} ms)`
		);
	}
	const [smallest, largest] = [pages[0]!, pages.at(-1)!];
	if (pages.length > 1) {
		const ratio = (key: 'p50Ms' | 'p95Ms') => (largest.stats[key] / smallest.stats[key]).toFixed(2);
		console.log(`  ${name} a page of 100 at ${largest.count} series / at ${smallest.count} series: p50 ${ratio('p50Ms')}, p95 ${ratio('p95Ms')}`);
	}
}

const statementTriggers = ['samples_latest_insert', 'samples_latest_update', 'samples_latest_delete'];

/** Switches how series_latest is kept: the shipped statement-level triggers, none, or a row-level one. */
async function setMaintenance(db: Db, mode: 'statement' | 'none' | 'row'): Promise<void> {
	for (const t of statementTriggers) await db.execute(sql.raw(`alter table samples ${mode === 'statement' ? 'enable' : 'disable'} trigger ${t}`));
	await db.execute(sql`drop trigger if exists samples_latest_row on samples`);
	if (mode !== 'row') return;
	await db.execute(sql.raw(`create or replace function bench_latest_row() returns trigger language plpgsql as $$
		begin
			insert into series_latest as l (series_id, ts, value, provenance, flags) values (new.series_id, new.ts, new.value, new.provenance, new.flags)
			on conflict (series_id) do update set ts = excluded.ts, value = excluded.value, provenance = excluded.provenance, flags = excluded.flags
			where l.ts <= excluded.ts;
			return null;
		end $$`));
	await db.execute(sql`create trigger samples_latest_row after insert or update on samples for each row execute function bench_latest_row()`);
}

/** A bulk insert of 20,000 samples (one series, as an import writes them) in one statement, and 1,000 single-sample writes through upsertSamples. */
async function timeWrites(db: Db, seriesIds: number[], round: number): Promise<{ bulkMs: number; singleMs: number }> {
	const base = `2030-01-01`;
	const offset = round * 1_000_000;
	const bulkMs = await timeOnce(() =>
		db.execute(sql`insert into samples (series_id, ts, value, provenance)
			select ${seriesIds[0]!}::int, ${base}::timestamptz + (${offset}::int + n) * interval '1 minute', n, 'imported'
			from generate_series(0, 19999) n`)
	);
	const singleMs = await timeOnce(async () => {
		for (let i = 0; i < 1_000; i++) {
			const id = seriesIds[1 + (i % (seriesIds.length - 1))]!;
			const ts = new Date(Date.parse(base) + (offset + i) * 60_000);
			await db.transaction((tx) => upsertSamples(tx, id, 'observed', [{ ts, value: i }]));
		}
	});
	return { bulkMs, singleMs };
}

async function benchWrites(name: string, db: Db): Promise<void> {
	const ids = (await queryRows<{ id: number }>(db, sql`select id from series order by id limit 50`)).map((r) => r.id);
	const modes = ['none', 'statement', 'row'] as const;
	// Statement and none twice, interleaved, so that neither always meets the warmer cache; row-level once:
	// its bulk insert updates one series_latest row per sample, which grows quadratically with the rows.
	let round = 1;
	for (let pass = 0; pass < 2; pass++) {
		for (const mode of pass === 0 ? modes : (['none', 'statement'] as const)) {
			await setMaintenance(db, mode);
			const { bulkMs, singleMs } = await timeWrites(db, ids, round++);
			console.log(`  ${name} writes, ${mode.padEnd(9)} trigger: 20,000-row insert ${bulkMs.toFixed(0)} ms, 1,000 single upserts ${singleMs.toFixed(0)} ms`);
		}
	}
	await setMaintenance(db, 'statement');
}

async function main(): Promise<void> {
	if (engines.includes('postgres')) await benchPostgres();
	if (engines.includes('pglite')) await benchPglite();
}

async function benchPostgres(): Promise<void> {
	const postgres = await openLatestPostgres(adminUrl(process.env));
	try {
		await benchReads('PostgreSQL', postgres.db);
		await benchWrites('PostgreSQL', postgres.db);
	} finally {
		await postgres.close();
		await postgres.drop();
	}
}

async function benchPglite(): Promise<void> {
	const pglite = await openPgliteEngine();
	try {
		await benchReads('PGlite', pglite.database.db);
		await benchWrites('PGlite', pglite.database.db);
	} finally {
		await pglite.database.close();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : error);
	process.exitCode = 1;
});
