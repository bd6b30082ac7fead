import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed one-click links (moderator actions in emails, reply unsubscribe).
 *
 * Layout before base64url (56 bytes, 75 characters):
 *   version(1) | action(1) | commentId(16) | moderatorId(16, zero for unsubscribe) | expires(4, unix s) | mac(18)
 * The MAC is HMAC-SHA256 truncated to 144 bits, keyed with a subkey derived from SECRET_KEY so a
 * one-click token can never be confused with anything else the service signs.
 * Ids are UUIDs (the schema says so), which is what keeps the token this short.
 */

export const MODERATE_ACTIONS = ['approve', 'reject', 'spam'] as const;
export type ModerateAction = (typeof MODERATE_ACTIONS)[number];
/** `verify_email`: the author proves they read this address (it lets their next comments skip the queue). */
export type LinkAction = ModerateAction | 'unsubscribe' | 'verify_email';

const ACTION_CODES: Record<LinkAction, number> = { approve: 1, reject: 2, spam: 3, unsubscribe: 4, verify_email: 5 };
const ACTION_BY_CODE = new Map<number, LinkAction>(
  Object.entries(ACTION_CODES).map(([a, c]) => [c, a as LinkAction]),
);

const VERSION = 1;
const MAC_BYTES = 18;
const BODY_BYTES = 1 + 1 + 16 + 16 + 4;
const TOKEN_BYTES = BODY_BYTES + MAC_BYTES;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How long a moderator's one-click link works. */
export const MODERATE_LINK_TTL_SECONDS = 14 * 24 * 3600;
/** Unsubscribe links should keep working for as long as someone may still open the email. */
export const UNSUBSCRIBE_LINK_TTL_SECONDS = 5 * 365 * 24 * 3600;

export interface LinkClaims {
  action: LinkAction;
  commentId: string;
  /** null for unsubscribe tokens */
  moderatorId: string | null;
  /** expiry, unix seconds */
  expires: number;
}

export type VerifyResult =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired'; claims?: LinkClaims };

/** Derived once per secret key: every moderator email signs several links, all with the same subkey. */
const subkeys = new WeakMap<Buffer, Buffer>();
function subkey(secretKey: Buffer): Buffer {
  let key = subkeys.get(secretKey);
  if (!key) {
    key = createHmac('sha256', secretKey).update('parley one-click links v1').digest();
    subkeys.set(secretKey, key);
  }
  return key;
}

function mac(secretKey: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', subkey(secretKey)).update(body).digest().subarray(0, MAC_BYTES);
}

function uuidToBytes(id: string): Buffer {
  if (!UUID_RE.test(id)) throw new Error('one-click links need UUID ids');
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function bytesToUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function signLinkToken(secretKey: Buffer, claims: LinkClaims): string {
  const body = Buffer.alloc(BODY_BYTES);
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(ACTION_CODES[claims.action], 1);
  uuidToBytes(claims.commentId).copy(body, 2);
  uuidToBytes(claims.moderatorId ?? ZERO_UUID).copy(body, 18);
  body.writeUInt32BE(Math.max(0, Math.min(0xffffffff, Math.floor(claims.expires))), 34);
  return Buffer.concat([body, mac(secretKey, body)]).toString('base64url');
}

export function verifyLinkToken(secretKey: Buffer, token: string, now: Date): VerifyResult {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(token, 'base64url');
  // Re-encoding catches non-canonical encodings, so one token has exactly one spelling.
  if (raw.length !== TOKEN_BYTES || raw.toString('base64url') !== token) return { ok: false, reason: 'malformed' };
  const body = raw.subarray(0, BODY_BYTES);
  const given = raw.subarray(BODY_BYTES);
  if (!timingSafeEqual(given, mac(secretKey, body))) return { ok: false, reason: 'bad_signature' };
  const action = ACTION_BY_CODE.get(body.readUInt8(1));
  if (body.readUInt8(0) !== VERSION || !action) return { ok: false, reason: 'malformed' };
  const moderatorId = bytesToUuid(body.subarray(18, 34));
  const claims: LinkClaims = {
    action,
    commentId: bytesToUuid(body.subarray(2, 18)),
    moderatorId: moderatorId === ZERO_UUID ? null : moderatorId,
    expires: body.readUInt32BE(34),
  };
  if (claims.expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

export function moderateLinkToken(
  secretKey: Buffer,
  p: { commentId: string; moderatorId: string; action: ModerateAction; now: Date },
): string {
  return signLinkToken(secretKey, {
    action: p.action,
    commentId: p.commentId,
    moderatorId: p.moderatorId,
    expires: Math.floor(p.now.getTime() / 1000) + MODERATE_LINK_TTL_SECONDS,
  });
}

/** How long the author's "trust this address" link works. */
export const VERIFY_EMAIL_LINK_TTL_SECONDS = 30 * 24 * 3600;

export function verifyEmailLinkToken(secretKey: Buffer, p: { commentId: string; now: Date }): string {
  return signLinkToken(secretKey, {
    action: 'verify_email',
    commentId: p.commentId,
    moderatorId: null,
    expires: Math.floor(p.now.getTime() / 1000) + VERIFY_EMAIL_LINK_TTL_SECONDS,
  });
}

export function unsubscribeLinkToken(secretKey: Buffer, p: { commentId: string; now: Date }): string {
  return signLinkToken(secretKey, {
    action: 'unsubscribe',
    commentId: p.commentId,
    moderatorId: null,
    expires: Math.floor(p.now.getTime() / 1000) + UNSUBSCRIBE_LINK_TTL_SECONDS,
  });
}
