import crypto from 'node:crypto';

/**
 * An owner token is a random secret handed to the author's browser once. Only its SHA-256 is stored,
 * so a database leak does not let anyone see other readers' pending comments.
 */
export function newOwnerToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(24).toString('base64url');
  return { token, hash: hashOwnerToken(token) };
}

export function hashOwnerToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Parses `X-Parley-Owner: t1,t2`; ignores anything that cannot be a token, keeps at most 50. */
export function parseOwnerHeader(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : header ?? '';
  return raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => /^[A-Za-z0-9_-]{16,64}$/.test(t))
    .slice(0, 50);
}
