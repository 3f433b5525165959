/**
 * Bucket sizes for reading a series. Each non-raw interval is a PostgreSQL date_trunc unit, applied in
 * SQL in UTC; the list is the allowlist, so no caller text ever reaches the query as SQL.
 */
export const intervals = ['raw', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Interval = (typeof intervals)[number];

export const transforms = ['value', 'delta', 'growth', 'index'] as const;
export type Transform = (typeof transforms)[number];
