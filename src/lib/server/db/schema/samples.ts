import { sql } from 'drizzle-orm';
import {
	check,
	doublePrecision,
	integer,
	pgTable,
	primaryKey,
	text,
	timestamp
} from 'drizzle-orm/pg-core';
import { provenances } from '../../../types/samples.js';
import { series } from './targets.js';

// Declared with the types shared with the browser; exported here too, as the column's allowed values.
export { provenances, type Provenance } from '../../../types/samples.js';

/**
 * One value of a series at one time. The primary key (series_id, ts) makes writes idempotent and is
 * the only index the hot reads need: "one series over a range" is a range scan on it and "the latest
 * value before a time" one backward probe; the latest value of every series is kept in series_latest.
 *
 * value is double precision: counters pass 2^31 (nginx pulls: 12,981,954,060) and every integer up to
 * 2^53 is exact in it; both drivers return it as a JS number, unlike bigint or numeric.
 */
export const samples = pgTable(
	'samples',
	{
		seriesId: integer('series_id')
			.notNull()
			.references(() => series.id, { onDelete: 'cascade' }),
		ts: timestamp('ts', { withTimezone: true }).notNull(),
		value: doublePrecision('value').notNull(),
		provenance: text('provenance', { enum: provenances }).notNull(),
		// A citation for reference figures, or a remark on this one sample.
		note: text('note'),
		// Counter flags (decrease, stall, jump, frozen, wrapped) kept true to the neighbouring samples by
		// every writer (db/queries/sample-flags.ts), and flags a collector sets from its answer; never used to drop data.
		flags: text('flags').array().notNull().default(sql`'{}'::text[]`)
	},
	(t) => [
		primaryKey({ name: 'samples_pk', columns: [t.seriesId, t.ts] }),
		check(
			'samples_provenance_ck',
			sql`${t.provenance} in ('observed', 'imported', 'reconstructed', 'reference')`
		),
		check('samples_value_finite_ck', sql`${t.value} <> 'NaN'::float8 and ${t.value} <> 'Infinity'::float8 and ${t.value} <> '-Infinity'::float8`)
	]
);

/**
 * The last sample of each series (greatest ts, whatever its provenance), so that "latest value of every
 * series" is one row per series instead of one probe of samples per series. Kept exact by triggers on
 * samples (migration 0010), not by our writers: every write path, COPY and cascades included, passes
 * through them, and a writer added later cannot forget it. Never written by application code.
 */
export const seriesLatest = pgTable('series_latest', {
	seriesId: integer('series_id')
		.primaryKey()
		.references(() => series.id, { onDelete: 'cascade' }),
	ts: timestamp('ts', { withTimezone: true }).notNull(),
	value: doublePrecision('value').notNull(),
	provenance: text('provenance', { enum: provenances }).notNull(),
	flags: text('flags').array().notNull().default(sql`'{}'::text[]`)
});
