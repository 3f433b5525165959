import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One-time facts about this store, such as "the default watchlist was loaded" (so it never comes back). */
export const appState = pgTable('app_state', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull().default({}),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});
