import crypto from 'node:crypto';
import type { FormTiming } from './rules/types';

/**
 * The widget asks for a form token when it renders the comment form and sends it back with the
 * comment: `<renderedAtMs>.<hmac>`, an HMAC-SHA256 over the site and the time, keyed by the service's
 * secret. It proves when the form was shown (bots post at once) without any server-side state.
 */
function mac(secretKey: Buffer, siteId: string, renderedAtMs: number): string {
  return crypto.createHmac('sha256', secretKey).update(`parley-form:${siteId}:${renderedAtMs}`).digest('base64url');
}

export function signFormToken(secretKey: Buffer, siteId: string, renderedAt: Date): string {
  const ms = renderedAt.getTime();
  return `${ms}.${mac(secretKey, siteId, ms)}`;
}

/** Reads a token: absent, invalid (malformed, forged, or for another site), or the time the form rendered. */
export function verifyFormToken(secretKey: Buffer, siteId: string, token: string | undefined | null): FormTiming {
  if (token === undefined || token === null || token.trim() === '') return { kind: 'absent' };
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) return { kind: 'invalid' };
  const ms = Number(match[1]);
  const expected = Buffer.from(mac(secretKey, siteId, ms));
  const given = Buffer.from(match[2]);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { kind: 'invalid' };
  return { kind: 'valid', renderedAt: new Date(ms) };
}
