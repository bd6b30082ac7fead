import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PrivacyKind } from './readerAddress';

/**
 * The signed link a reader gets to confirm their own export or erasure request.
 * Layout before base64url: version(1) | kind(1) | requestId(16) | expires(4, unix s) | mac(18),
 * the MAC keyed with a subkey of SECRET_KEY used for nothing else. The request row holds the rest.
 */
export const PRIVACY_LINK_TTL_MS = 24 * 3600_000;

const VERSION = 1;
const KIND_CODES: Record<PrivacyKind, number> = { export: 1, erase: 2 };
const BODY_BYTES = 1 + 1 + 16 + 4;
const MAC_BYTES = 18;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secretKey: Buffer, body: Buffer): Buffer {
  const sub = createHmac('sha256', secretKey).update('parley privacy links v1').digest();
  return createHmac('sha256', sub).update(body).digest().subarray(0, MAC_BYTES);
}

export function signPrivacyToken(secretKey: Buffer, claims: { requestId: string; kind: PrivacyKind; expires: Date }): string {
  if (!UUID_RE.test(claims.requestId)) throw new Error('privacy links need UUID request ids');
  const body = Buffer.alloc(BODY_BYTES);
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(KIND_CODES[claims.kind], 1);
  Buffer.from(claims.requestId.replace(/-/g, ''), 'hex').copy(body, 2);
  body.writeUInt32BE(Math.floor(claims.expires.getTime() / 1000), 18);
  return Buffer.concat([body, mac(secretKey, body)]).toString('base64url');
}

export type PrivacyTokenResult =
  | { ok: true; requestId: string; kind: PrivacyKind }
  | { ok: false; reason: 'invalid' | 'expired' };

export function verifyPrivacyToken(secretKey: Buffer, token: string, now: Date): PrivacyTokenResult {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'invalid' };
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== BODY_BYTES + MAC_BYTES || raw.toString('base64url') !== token) return { ok: false, reason: 'invalid' };
  const body = raw.subarray(0, BODY_BYTES);
  if (!timingSafeEqual(raw.subarray(BODY_BYTES), mac(secretKey, body))) return { ok: false, reason: 'invalid' };
  const kind = (Object.keys(KIND_CODES) as PrivacyKind[]).find((k) => KIND_CODES[k] === body.readUInt8(1));
  if (body.readUInt8(0) !== VERSION || !kind) return { ok: false, reason: 'invalid' };
  if (body.readUInt32BE(18) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  const h = body.subarray(2, 18).toString('hex');
  return { ok: true, kind, requestId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
}
