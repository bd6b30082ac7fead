import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';

/**
 * A reader's reply-email subscriptions on one site: their comments with "notify me of replies" on.
 *
 * The reply email links to a page that lists them, through a signed token naming one of the reader's
 * comments (the one that was answered). Whoever holds the email holds the address: the page shows that
 * address's subscriptions on that comment's site, and lets them end each or all. The token never carries
 * the address. Its layout before base64url (39 bytes, 52 characters):
 *   version(1) | commentId(16) | expires(4, unix s) | mac(18)
 * signed with a subkey of SECRET_KEY of its own, so it cannot be confused with other signed links.
 */
const VERSION = 1;
const BODY = 1 + 16 + 4;
const MAC = 18;
/** As long as someone may still open the email (like the unsubscribe link). */
export const MANAGE_LINK_TTL_SECONDS = 5 * 365 * 24 * 3600;

const subkey = (secret: Buffer) => createHmac('sha256', secret).update('parley reply subscriptions v1').digest();
const mac = (secret: Buffer, body: Buffer) => createHmac('sha256', subkey(secret)).update(body).digest().subarray(0, MAC);

export function signManageToken(secret: Buffer, commentId: string, now: Date): string {
  const body = Buffer.alloc(BODY);
  body.writeUInt8(VERSION, 0);
  Buffer.from(commentId.replace(/-/g, ''), 'hex').copy(body, 1);
  body.writeUInt32BE(Math.floor(now.getTime() / 1000) + MANAGE_LINK_TTL_SECONDS, 17);
  return Buffer.concat([body, mac(secret, body)]).toString('base64url');
}

/** The comment a token names; 400 for anything forged or malformed, 410 when expired. */
export function verifyManageToken(secret: Buffer, token: string, now: Date): string {
  const raw = /^[A-Za-z0-9_-]{52}$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  const invalid = new AppError('validation_failed', 'This link is not valid.');
  if (raw.length !== BODY + MAC || raw.toString('base64url') !== token || raw.readUInt8(0) !== VERSION) throw invalid;
  const body = raw.subarray(0, BODY);
  if (!timingSafeEqual(raw.subarray(BODY), mac(secret, body))) throw invalid;
  if (body.readUInt32BE(17) * 1000 <= now.getTime()) throw new AppError('gone', 'This link has expired.');
  const h = body.subarray(1, 17).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function manageSubscriptionsUrl(ctx: AppContext, commentId: string): string {
  return `${ctx.publicUrl}/subscriptions/${signManageToken(ctx.secretKey, commentId, ctx.now())}`;
}

export interface Subscription {
  id: string;
  body: string;
  createdAt: Date;
  pageTitle: string;
  pageUrl: string | null;
}

/** Whose subscriptions a token shows: the site and address of the comment it names (never sent to the page). */
async function ownerOf(ctx: AppContext, commentId: string): Promise<{ siteId: string; siteName: string; email: string }> {
  const c = await ctx.prisma.comment.findUnique({ where: { id: commentId }, select: { siteId: true, email: true, site: { select: { name: true } } } });
  if (!c) throw new AppError('not_found', 'This comment no longer exists.');
  return { siteId: c.siteId, siteName: c.site.name, email: c.email };
}

const sameAddress = (email: string) => ({ equals: email.trim(), mode: 'insensitive' as const });

export async function listSubscriptions(ctx: AppContext, commentId: string): Promise<{ siteName: string; subscriptions: Subscription[] }> {
  const owner = await ownerOf(ctx, commentId);
  const rows = await ctx.prisma.comment.findMany({
    where: { siteId: owner.siteId, email: sameAddress(owner.email), notifyReplies: true, status: { in: ['approved', 'pending'] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 200,
    select: { id: true, body: true, createdAt: true, page: { select: { key: true, title: true, url: true } } },
  });
  return {
    siteName: owner.siteName,
    subscriptions: rows.map((r) => ({ id: r.id, body: r.body, createdAt: r.createdAt, pageTitle: r.page.title?.trim() || r.page.key, pageUrl: r.page.url })),
  };
}

/** Ends one subscription (`only`, which must be the same reader's) or all of them; returns how many ended. */
export async function endSubscriptions(ctx: AppContext, commentId: string, only: string | null): Promise<number> {
  const owner = await ownerOf(ctx, commentId);
  const { count } = await ctx.prisma.comment.updateMany({
    where: { siteId: owner.siteId, email: sameAddress(owner.email), notifyReplies: true, ...(only ? { id: only } : {}) },
    data: { notifyReplies: false },
  });
  return count;
}
