import ipaddr from 'ipaddr.js';

/**
 * The facts open mode rests on: is the socket's peer a loopback address, does the Host header name
 * loopback, did the request pass through a proxy. Pure string checks, so that the decision table can
 * be tested without sockets.
 */

/** True for 127.0.0.0/8 and ::1, including the IPv4-mapped form (::ffff:127.0.0.1) a dual-stack socket reports. */
export function isLoopbackAddress(address: string): boolean {
	// Only dotted quads for IPv4: ipaddr would also read "127.1" or "2130706433" as addresses.
	if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) return false;
	return ipaddr.process(address).range() === 'loopback';
}

// A Host header is a name or an IP literal with an optional port (RFC 9110 7.2). Anything else
// (userinfo, paths, spaces) is no host this server answers to.
const hostHeader = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/** The lower-cased name of a Host header without its port (IPv6 literals keep their brackets), or undefined. */
export function getHostName(host: string | null): string | undefined {
	const match = hostHeader.exec(host ?? '');
	return match ? match[1]!.toLowerCase() : undefined;
}

/**
 * Whether a host name always means this machine: `localhost`, 127.x.x.x and [::1]. Browsers resolve
 * these themselves, so a page on another site cannot rebind them to its own server.
 */
export function isLoopbackName(name: string | undefined): boolean {
	if (name === undefined) return false;
	if (name === 'localhost') return true;
	// In a Host header an IPv6 address is in brackets, an IPv4 address is not.
	if (name.startsWith('[') && name.endsWith(']')) return ipaddr.IPv6.isValid(name.slice(1, -1)) && isLoopbackAddress(name.slice(1, -1));
	return ipaddr.IPv4.isValidFourPartDecimal(name) && isLoopbackAddress(name);
}

// Headers a reverse proxy adds to say whom it forwards for. Their presence means the socket's peer
// (the proxy) is not the caller, whatever their values claim.
const forwardingHeaders = ['forwarded', 'x-real-ip', 'via', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip'];

/** The first proxy header a request carries (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`, `Via`, ...), or null. */
export function findForwardingHeader(headers: Headers): string | null {
	for (const [name] of headers) {
		if (name.startsWith('x-forwarded-') || forwardingHeaders.includes(name)) return name;
	}
	return null;
}
