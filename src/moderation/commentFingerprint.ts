import crypto from 'node:crypto';
import { foldText } from '../text/foldText';

/**
 * Digest of a comment's text for duplicate detection: case, accents, look-alike letters, invisible
 * characters, punctuation and spacing do not make a re-post "different".
 */
export function commentFingerprint(body: string): string {
  const normalised = foldText(body)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return crypto.hash('sha256', `v1:${normalised}`);
}
