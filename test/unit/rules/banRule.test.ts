import { banRule, banValueError, globMatches, ipMatches } from '../../../src/moderation/rules/banRule';
import type { BanEntry } from '../../../src/moderation/rules/types';
import { NOW, ruleInput } from './ruleInput';

const ban = (kind: BanEntry['kind'], value: string, expiresAt: Date | null = null): BanEntry => ({ kind, value, expiresAt });

describe('ipMatches', () => {
  test.each([
    ['same IPv4', '203.0.113.5', '203.0.113.5', true],
    ['other IPv4', '203.0.113.5', '203.0.113.6', false],
    ['IPv4 CIDR', '203.0.113.0/24', '203.0.113.77', true],
    ['outside IPv4 CIDR', '203.0.113.0/24', '203.0.114.1', false],
    ['IPv6 CIDR', '2001:db8::/32', '2001:db8:1234::1', true],
    ['IPv6 written differently', '2001:db8::1', '2001:0db8:0:0:0:0:0:1', true],
    ['IPv4-mapped IPv6 address', '203.0.113.0/24', '::ffff:203.0.113.9', true],
    ['IPv4 ban does not match IPv6', '203.0.113.0/24', '2001:db8::1', false],
    ['garbage address', '203.0.113.0/24', 'not-an-ip', false],
    ['garbage ban', 'nonsense/99', '203.0.113.1', false],
  ])('%s', (_case, banned, ip, expected) => {
    expect(ipMatches(banned, ip)).toBe(expected);
  });
});

describe('globMatches', () => {
  test.each([
    ['exact, any case', 'Spam King', 'spam king', true],
    ['star suffix', 'cheap*', 'Cheap Loans Ltd', true],
    ['star inside', '*casino*', 'Best Casino Bonus', true],
    ['no star is whole value', 'bob', 'bobby', false],
    ['accents', 'jose', 'José', true],
    ['regex characters are literal', 'a.b', 'axb', false],
    ['email domain pattern', '*@spam.example', 'x@SPAM.example', true],
  ])('%s', (_case, pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

describe('banRule', () => {
  test.each([
    ['email', [ban('email', 'JANE@example.org')], ['banned:email']],
    ['ip range', [ban('ip', '198.51.100.0/24')], ['banned:ip']],
    ['name pattern', [ban('name', 'jane*')], ['banned:name']],
    ['several kinds', [ban('name', '*reader'), ban('ip', '198.51.100.7')], ['banned:ip', 'banned:name']],
    ['expired ban is ignored', [ban('email', 'jane@example.org', new Date(NOW.getTime() - 1000))], null],
    ['ban expiring later applies', [ban('email', 'jane@example.org', new Date(NOW.getTime() + 1000))], ['banned:email']],
    ['other author', [ban('email', 'troll@example.org'), ban('ip', '10.0.0.0/8')], null],
  ])('%s', (_case, bans, reasons) => {
    expect(banRule(ruleInput({ bans }))).toEqual(reasons === null ? null : { decision: 'reject', reasons });
  });

  test('an unknown IP never matches an IP ban', () => {
    expect(banRule(ruleInput({ ip: null, bans: [ban('ip', '0.0.0.0/0')] }))).toBeNull();
  });
});

describe('banValueError', () => {
  test.each([
    ['ip', '203.0.113.1', null],
    ['ip', '2001:db8::/32', null],
    ['ip', '203.0.113.0/33', 'error'],
    ['ip', 'example.org', 'error'],
    ['email', 'x@example.org', null],
    ['email', 'nobody', 'error'],
    ['name', '*', 'error'],
    ['name', 'spam*', null],
  ] as const)('%s %s', (kind, value, expected) => {
    const error = banValueError(kind, value);
    expect(error === null ? null : 'error').toBe(expected);
  });
});
