import ipaddr from 'ipaddr.js';
import { foldText } from '../../text/foldText';
import type { BanEntry, Rule } from './types';

/** `*` matches any run of characters; everything else is literal. Case- and accent-insensitive. */
export function globMatches(pattern: string, value: string): boolean {
  const fold = (s: string) => foldText(s).trim().replace(/\s+/g, ' ');
  const source = fold(pattern)
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(fold(value));
}

/** Parses an address, reading IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as the IPv4 address it carries. */
function parseIp(value: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    return ipaddr.process(value.trim());
  } catch {
    return null;
  }
}

/** True when `ip` equals the banned address or falls in the banned CIDR range (IPv4 or IPv6). */
export function ipMatches(banned: string, ip: string): boolean {
  const address = parseIp(ip);
  if (!address) return false;
  const spec = banned.trim();
  if (spec.includes('/')) {
    let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      range = ipaddr.parseCIDR(spec);
    } catch {
      return false;
    }
    let [base, bits] = range;
    if (base.kind() === 'ipv6' && (base as ipaddr.IPv6).isIPv4MappedAddress()) {
      base = (base as ipaddr.IPv6).toIPv4Address();
      bits = Math.max(0, bits - 96);
    }
    return address.kind() === base.kind() && address.match([base, bits] as never);
  }
  const single = parseIp(spec);
  return single !== null && single.kind() === address.kind() && single.toNormalizedString() === address.toNormalizedString();
}

/** A valid ban value for its kind, or a message saying what is wrong (used by the bans endpoint). */
export function banValueError(kind: BanEntry['kind'], value: string): string | null {
  const v = value.trim();
  if (v === '') return 'Enter a value.';
  if (kind === 'ip') {
    if (v.includes('/')) {
      try {
        ipaddr.parseCIDR(v);
        return null;
      } catch {
        return 'Enter an IP address or a CIDR range such as 203.0.113.0/24.';
      }
    }
    return ipaddr.isValid(v) ? null : 'Enter an IP address or a CIDR range such as 203.0.113.0/24.';
  }
  if (kind === 'email' && !v.includes('@')) return 'Enter an email address, or a pattern such as *@spam.example.';
  if (kind === 'name' && v.replace(/\*/g, '').trim() === '') return 'A name pattern needs at least one letter.';
  return null;
}

function banMatches(ban: BanEntry, comment: { name: string; email: string }, ip: string | null): boolean {
  switch (ban.kind) {
    case 'email':
      return globMatches(ban.value, comment.email);
    case 'ip':
      return ip !== null && ipMatches(ban.value, ip);
    case 'name':
      return globMatches(ban.value, comment.name);
  }
}

/**
 * A banned author is rejected. The caller tells them their comment is pending, never that they are
 * banned, so the ban is not an invitation to switch address.
 */
export const banRule: Rule = ({ bans, comment, ip, now }) => {
  const kinds = new Set<string>();
  for (const ban of bans) {
    if (ban.expiresAt && ban.expiresAt.getTime() <= now.getTime()) continue;
    if (banMatches(ban, comment, ip)) kinds.add(ban.kind);
  }
  if (kinds.size === 0) return null;
  return { decision: 'reject', reasons: [...kinds].sort().map((k) => `banned:${k}`) };
};
