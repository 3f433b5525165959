/** Number and date formats for people; browser-safe. */

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** 1.2M, 14.5K; exact below 10,000 (460, 1,302). */
export function formatCount(value: number): string {
	return Math.abs(value) < 10_000 ? whole.format(value) : compact.format(value);
}

/** ISO date of an ISO timestamp or epoch milliseconds, in UTC. */
export function formatDate(value: string | number): string {
	return new Date(value).toISOString().slice(0, 10);
}
