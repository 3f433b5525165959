import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * Webhooks must not become a way to reach the machine's own network (SSRF): a URL whose host resolves
 * to a loopback, private, link-local or otherwise non-public address is refused, unless configuration
 * allows private webhooks (a receiver on the same host or LAN). The check runs inside the connection's
 * own DNS lookup, so a name that resolves to a public address when checked and to a private one when
 * connecting (DNS rebinding) is refused as well.
 */

export class BlockedAddressError extends Error {
	constructor(host: string, address: string, range: string) {
		super(`${host} resolves to ${address} (${range}); webhooks to loopback, private or link-local addresses are refused (ALLOW_PRIVATE_WEBHOOKS=true allows them)`);
		this.name = 'BlockedAddressError';
	}
}

/** The range of an address when it is not a public unicast one; undefined when it is public. */
export function getBlockedRange(address: string): string | undefined {
	let parsed = ipaddr.parse(address);
	if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
	const range = parsed.range();
	return range === 'unicast' ? undefined : range;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup for http.request that fails on a blocked address. */
export function createGuardedLookup(allowPrivate: boolean) {
	return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
		lookup(hostname, { ...options, all: true }, (error, addresses) => {
			if (error) return callback(error, []);
			const list = addresses as LookupAddress[];
			if (!allowPrivate) {
				for (const { address } of list) {
					const range = getBlockedRange(address);
					if (range) return callback(new BlockedAddressError(hostname, address, range), []);
				}
			}
			if (options.all) return callback(null, list);
			const first = list[0]!;
			callback(null, first.address, first.family);
		});
	};
}

/**
 * Checks a webhook URL when a rule is saved, so that the analyst hears at once that it will be refused;
 * the same check runs again on every send. Returns why it is refused, or undefined.
 */
export async function checkWebhookDestination(url: string, allowPrivate: boolean): Promise<string | undefined> {
	if (allowPrivate) return undefined;
	const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
	return new Promise((resolve) => {
		createGuardedLookup(false)(host, { all: true }, (error) => {
			if (!error) return resolve(undefined);
			resolve(error instanceof BlockedAddressError ? error.message : `${host} cannot be resolved: ${error.message}`);
		});
	});
}
