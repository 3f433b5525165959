/** How channels (webhook URLs, e-mail addresses) are shown to readers of pages and the API. */

/**
 * A webhook URL as pages and the API show it: its origin only. The path of a Slack (or most other)
 * webhook is its secret, and reads may be open to anyone who can reach the server.
 */
export function redactWebhookUrl(url: string): string {
	// Stored URLs were validated as http(s) URLs when their rule or schedule was saved.
	const { origin, pathname } = new URL(url);
	return pathname === '/' ? origin : `${origin}/…`;
}

/**
 * An e-mail address for readers without write rights: the first letter and the domain, enough to tell
 * channels apart without handing addresses to anyone who can read the dashboard.
 */
export function maskEmail(address: string): string {
	const at = address.lastIndexOf('@');
	return at < 1 ? '***' : `${address[0]}***${address.slice(at)}`;
}

/** Who reads: e-mail addresses are shown in full only to those who could change what sends to them. */
export interface Reader {
	hasWriteRights: boolean;
}

/** A delivery's outcome as pages and the API show it. */
export interface Delivery {
	channel: string;
	destination: string;
	status: string;
	attempts: number;
	lastDetail: string | null;
}

/** A mail server's refusal often quotes the recipient, so the detail is masked along with the address. */
export function showDelivery<D extends Delivery>(delivery: D, reader: Reader): D {
	if (delivery.channel === 'webhook') return { ...delivery, destination: redactWebhookUrl(delivery.destination) };
	if (delivery.channel !== 'email' || reader.hasWriteRights) return delivery;
	const masked = maskEmail(delivery.destination);
	return { ...delivery, destination: masked, lastDetail: delivery.lastDetail?.replaceAll(delivery.destination, masked) ?? null };
}
