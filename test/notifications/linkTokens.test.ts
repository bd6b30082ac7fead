import { randomBytes, randomUUID } from 'node:crypto';
import {
  MODERATE_LINK_TTL_SECONDS,
  moderateLinkToken,
  signLinkToken,
  unsubscribeLinkToken,
  verifyLinkToken,
} from '../../src/notifications/linkTokens';

const key = randomBytes(32);
const now = new Date('2026-11-29T12:00:00Z');
const commentId = randomUUID();
const moderatorId = randomUUID();

describe('one-click link tokens', () => {
  test('round-trips and is compact and URL-safe', () => {
    const token = moderateLinkToken(key, { commentId, moderatorId, action: 'approve', now });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThanOrEqual(80);
    const r = verifyLinkToken(key, token, now);
    expect(r).toEqual({
      ok: true,
      claims: { action: 'approve', commentId, moderatorId, expires: now.getTime() / 1000 + MODERATE_LINK_TTL_SECONDS },
    });
  });

  test('binds each action to its own token', () => {
    const tokens = (['approve', 'reject', 'spam'] as const).map((action) => moderateLinkToken(key, { commentId, moderatorId, action, now }));
    expect(new Set(tokens).size).toBe(3);
    expect(tokens.map((t) => (verifyLinkToken(key, t, now) as { claims: { action: string } }).claims.action)).toEqual(['approve', 'reject', 'spam']);
  });

  test('expires', () => {
    const token = moderateLinkToken(key, { commentId, moderatorId, action: 'reject', now });
    const later = new Date(now.getTime() + (MODERATE_LINK_TTL_SECONDS + 1) * 1000);
    expect(verifyLinkToken(key, token, later)).toMatchObject({ ok: false, reason: 'expired' });
  });

  test('rejects every single-byte tampering, including changing the action byte', () => {
    const token = moderateLinkToken(key, { commentId, moderatorId, action: 'approve', now });
    const raw = Buffer.from(token, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const t = Buffer.from(raw);
      t[i] ^= 0x01;
      const r = verifyLinkToken(key, t.toString('base64url'), now);
      expect(r.ok).toBe(false);
    }
    // action byte 1 -> 2 (approve -> reject) without re-signing
    const swapped = Buffer.from(raw);
    swapped[1] = 2;
    expect(verifyLinkToken(key, swapped.toString('base64url'), now)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  test('rejects another key, garbage, truncation and extension', () => {
    const token = moderateLinkToken(key, { commentId, moderatorId, action: 'spam', now });
    expect(verifyLinkToken(randomBytes(32), token, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    for (const bad of ['', 'abc', token.slice(0, -1), `${token}A`, `${token.slice(0, 10)}!${token.slice(11)}`, 'a'.repeat(5000)]) {
      expect(verifyLinkToken(key, bad, now).ok).toBe(false);
    }
  });

  test('unsubscribe tokens carry no moderator and live long', () => {
    const token = unsubscribeLinkToken(key, { commentId, now });
    const r = verifyLinkToken(key, token, new Date(now.getTime() + 365 * 24 * 3600 * 1000));
    expect(r).toMatchObject({ ok: true, claims: { action: 'unsubscribe', commentId, moderatorId: null } });
  });

  test('refuses non-UUID ids when signing', () => {
    expect(() => signLinkToken(key, { action: 'approve', commentId: 'x', moderatorId, expires: 1 })).toThrow();
  });
});
