import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * SSRF protection for webhooks. Only globally routable unicast addresses are allowed: loopback, private,
 * link-local, unique-local, CGNAT, multicast, reserved and the like are refused, and IPv4-mapped IPv6
 * (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
 */
export function isPublicAddress(ip: string): boolean {
  try {
    return ipaddr.process(ip).range() === 'unicast';
  } catch {
    return false;
  }
}

/** The URL's host without IPv6 brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** At registration: a URL whose host is literally a non-public address (or localhost) is refused. */
export function literalHostRefused(url: URL): boolean {
  // A trailing dot ("localhost.") names the same host.
  const host = bareHost(url).toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return ipaddr.isValid(host) && !isPublicAddress(host);
}

export class RefusedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddressError';
  }
}

/**
 * At send time: resolves the host and returns the one address to connect to. Refused when any address
 * it resolves to is not public (a name that answers both ways is not trusted), unless allowPrivate.
 * The caller connects to exactly this address, so a second DNS answer cannot redirect the request.
 */
export async function resolveDeliveryAddress(url: URL, allowPrivate: boolean): Promise<{ address: string; family: 4 | 6 }> {
  const host = bareHost(url);
  const found = ipaddr.isValid(host)
    ? [{ address: host, family: host.includes(':') ? 6 : 4 }]
    : await lookup(host, { all: true, verbatim: true });
  if (found.length === 0) throw new RefusedAddressError('the host name does not resolve');
  if (!allowPrivate) {
    const bad = found.find((a) => !isPublicAddress(a.address));
    if (bad) throw new RefusedAddressError('the host resolves to a loopback, private or link-local address (set WEBHOOK_ALLOW_PRIVATE=true to allow)');
  }
  return { address: found[0].address, family: found[0].family === 6 ? 6 : 4 };
}
