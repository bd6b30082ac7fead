import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import { consumeRateLimits } from '../http/rateLimit';
import { floodKeyForIp } from '../moderation/evaluateNewComment';
import { enqueueJob } from '../notifications/queue';
import { eraseReaderData, type EraseMode } from './eraseReaderData';
import { PRIVACY_LINK_TTL_MS, verifyPrivacyToken } from './privacyLinks';
import { normalizeEmail, privacyEmailKey, type PrivacyKind } from './readerAddress';

/** Enough for a reader who mistypes or asks twice; far too few to mail-bomb an address or sweep many. */
export const PRIVACY_LIMITS = {
  perAddress: { max: 5, windowSeconds: 3600 },
  perIp: { max: 20, windowSeconds: 3600 },
};

/**
 * A reader asks for their data or its erasure. Whatever the address, the answer is the same and takes the
 * same path: the request row and its email job are written in one statement; the job (not this request)
 * decides whether the address has anything to send a link about. Limited per address (keyed by an HMAC of
 * it, never the address) and per IP.
 */
export async function createPrivacyRequest(ctx: AppContext, req: { siteId: string; email: string; kind: PrivacyKind; ip: string | null }): Promise<void> {
  const address = normalizeEmail(req.email);
  const now = ctx.now();
  const hits = await consumeRateLimits(
    ctx.pool,
    [
      { key: `privacy:email:${privacyEmailKey(ctx.secretKey, address)}`, limit: PRIVACY_LIMITS.perAddress },
      // An IPv6 /64 counts as one client, as for comment floods.
      ...(req.ip ? [{ key: `privacy:ip:${floodKeyForIp(req.ip)}`, limit: PRIVACY_LIMITS.perIp }] : []),
    ],
    now,
  );
  const refused = hits.filter((h) => !h.allowed);
  if (refused.length) {
    throw new AppError('rate_limited', 'Too many requests. Please wait and try again.', undefined, Math.max(...refused.map((h) => h.retryAfter)));
  }
  await ctx.prisma.$transaction(async (tx) => {
    const row = await tx.privacyRequest.create({
      data: { siteId: req.siteId, email: address, kind: req.kind, createdAt: now, expiresAt: new Date(now.getTime() + PRIVACY_LINK_TTL_MS) },
      select: { id: true },
    });
    await enqueueJob(tx, 'send_privacy_link', { siteId: req.siteId, requestId: row.id });
  });
}

export interface OpenRequest {
  id: string;
  siteId: string;
  kind: PrivacyKind;
  siteName: string;
}

/** The request a link names: 400 forged, 410 expired, used or gone. Changes nothing. */
export async function openPrivacyRequest(ctx: AppContext, token: string): Promise<OpenRequest> {
  const v = verifyPrivacyToken(ctx.secretKey, token, ctx.now());
  if (!v.ok && v.reason === 'expired') throw new AppError('gone', 'This link has expired.');
  if (!v.ok) throw new AppError('validation_failed', 'This link is not valid.');
  const row = await ctx.prisma.privacyRequest.findUnique({ where: { id: v.requestId }, select: { id: true, siteId: true, kind: true, confirmedAt: true, expiresAt: true } });
  if (!row || row.confirmedAt || row.expiresAt <= ctx.now() || row.kind !== v.kind) throw new AppError('gone', 'This link was already used, or its request has expired.');
  const site = await ctx.prisma.site.findUnique({ where: { id: row.siteId }, select: { name: true } });
  return { id: row.id, siteId: row.siteId, kind: v.kind, siteName: site?.name ?? row.siteId };
}

/**
 * Carries out a confirmed request. Export: queues the email with the data. Erase: erases now, and queues
 * the confirmation email (which keeps the request row, and so the address, until it is sent).
 * Marking the request confirmed happens once (a second POST finds it used: 410).
 */
export async function confirmPrivacyRequest(ctx: AppContext, token: string, opts: { mode: EraseMode }): Promise<{ kind: PrivacyKind; comments: number; siteName: string }> {
  const open = await openPrivacyRequest(ctx, token);
  const now = ctx.now();
  const claim = async (tx: Parameters<Parameters<AppContext['prisma']['$transaction']>[0]>[0]) => {
    const { count } = await tx.privacyRequest.updateMany({ where: { id: open.id, confirmedAt: null }, data: { confirmedAt: now } });
    if (count === 0) throw new AppError('gone', 'This link was already used, or its request has expired.');
  };
  if (open.kind === 'export') {
    await ctx.prisma.$transaction(async (tx) => {
      await claim(tx);
      await enqueueJob(tx, 'send_privacy_export', { siteId: open.siteId, requestId: open.id });
    });
    return { kind: 'export', comments: 0, siteName: open.siteName };
  }
  const row = await ctx.prisma.privacyRequest.findUniqueOrThrow({ where: { id: open.id }, select: { email: true } });
  const result = await eraseReaderData(ctx, {
    email: row.email, siteIds: [open.siteId], mode: opts.mode, via: 'reader', moderatorId: null,
    keepRequestId: open.id,
    inTransaction: async (tx) => {
      await claim(tx);
      await enqueueJob(tx, 'send_privacy_erased', { siteId: open.siteId, requestId: open.id });
    },
  });
  return { kind: 'erase', comments: result.comments, siteName: open.siteName };
}
