/** Number and date formats for people; browser-safe. Locale is fixed ('en') so pages and tests agree. */

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const exact = new Intl.NumberFormat('en', { maximumFractionDigits: 6 });
// By the number of fraction digits: a formatter is costly to create (a page shows hundreds of figures).
const upToDigits = [0, 1, 2].map((digits) => new Intl.NumberFormat('en', { maximumFractionDigits: digits }));

/** 1.2M, 14.5K; exact below 10,000 (460, 1,302). */
export function formatCount(value: number): string {
	return Math.abs(value) < 10_000 ? whole.format(value) : compact.format(value);
}

/** Every digit, grouped: 12,981,954,060; for tooltips and tables where the exact value matters. */
export function formatExact(value: number): string {
	return exact.format(value);
}

/**
 * A growth percentage with its sign, rounded as the seed's figures are: whole percent from 10% up
 * (+18,082%, +183%), one decimal below (+4.7%), two below 0.1% (+0.05%). Zero reads 0%.
 */
export function formatPercent(percent: number): string {
	const abs = Math.abs(percent);
	const digits = abs >= 10 ? 0 : abs >= 0.1 ? 1 : 2;
	const text = upToDigits[digits]!.format(abs);
	if (text === '0') return '0%';
	return `${percent < 0 ? '−' : '+'}${text}%`;
}

/** A multiplier: x2.83, x181.8, x1,000; three significant digits at least, as in "+183% (x2.83)". */
export function formatMultiplier(multiplier: number): string {
	const digits = multiplier >= 100 ? 1 : 2;
	return `x${upToDigits[digits]!.format(multiplier)}`;
}

/** ISO date of an ISO timestamp or epoch milliseconds, in UTC. */
export function formatDate(value: string | number | Date): string {
	return new Date(value).toISOString().slice(0, 10);
}

/** ISO date and UTC time to the minute: 2026-11-28 15:20 UTC. */
export function formatDateTime(value: string | number | Date): string {
	return `${new Date(value).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long ago, for freshness: "12 min ago", "3 h ago", "5 days ago". */
export function formatAge(fromMs: number, nowMs: number): string {
	const minutes = Math.max(0, Math.round((nowMs - fromMs) / 60_000));
	if (minutes < 60) return `${minutes} min ago`;
	const hours = Math.round(minutes / 60);
	if (hours < 48) return `${hours} h ago`;
	return `${Math.round(hours / 24)} days ago`;
}
