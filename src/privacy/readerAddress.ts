import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { requiredText } from '../http/fields';

/** The same address check as the comment form, so any address a comment was stored with can be asked for. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

export const readerEmailField = requiredText('Email', 254).refine((v) => EMAIL.test(v), 'Enter a valid email address.');

/** Comments keep the address as typed; every data-rights lookup compares the trimmed, lowercased form. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The digest the comment flood counters embed in their RateLimit keys (src/moderation/evaluateNewComment.ts). */
export function floodEmailDigest(address: string): string {
  return createHash('sha256').update(normalizeEmail(address)).digest('hex');
}

/**
 * A keyed digest of an address for the data-rights request limiter: a plain hash of an address can be
 * reversed by guessing addresses, a keyed one cannot without SECRET_KEY.
 */
export function privacyEmailKey(secretKey: Buffer, address: string): string {
  const sub = createHmac('sha256', secretKey).update('parley privacy rate limit v1').digest();
  return createHmac('sha256', sub).update(normalizeEmail(address)).digest('hex');
}

export const PRIVACY_KINDS = ['export', 'erase'] as const;
export type PrivacyKind = (typeof PRIVACY_KINDS)[number];
export const privacyKindField = z.enum(PRIVACY_KINDS, { error: 'Choose "export" or "erase".' });
