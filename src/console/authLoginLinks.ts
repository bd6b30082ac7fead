import crypto from 'node:crypto';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import { consumeRateLimits } from '../http/rateLimit';
import { enqueueJob } from '../notifications/queue';

/**
 * Email sign-in links for the console. Asking for one does the same small, fixed work whatever the
 * address (two rate-limit counters and one job row, keyed by an HMAC of the address, never the address):
 * same page, same status, same timing class, so the answer says nothing about who is a moderator.
 * The job (authSignInJob.ts) finds the moderator, stores a LoginLink (only its hash) and sends the email.
 */
export const LOGIN_LINK_MINUTES = 15;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** Per client address: a person retrying, never a sweep of guesses. Per email address: a few links per quarter hour. */
export const SIGN_IN_LIMITS = {
  perIp: { max: 10, windowSeconds: 900 },
  perAddress: { max: 3, windowSeconds: 900 },
};

/** The address as a keyed digest: what the rate limiter and the job see (the address itself is never stored or logged). */
export function signInAddressKey(secretKey: Buffer, email: string): string {
  return crypto.createHmac('sha256', secretKey).update(`console-sign-in:${email.trim().toLowerCase()}`).digest('base64url');
}

export function hashLoginToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * Handles "email me a sign-in link". Throws rate_limited only for the client address's limit (which
 * says nothing about the email address); past the per-address limit it quietly sends nothing.
 */
export async function requestSignInLink(ctx: AppContext, input: { email: string; ip: string | undefined; next?: string }): Promise<void> {
  const addressKey = signInAddressKey(ctx.secretKey, input.email);
  const [perIp, perAddress] = await consumeRateLimits(
    ctx.pool,
    [
      { key: `console-sign-in-ip:${input.ip ?? 'unknown'}`, limit: SIGN_IN_LIMITS.perIp },
      { key: `console-sign-in-address:${addressKey}`, limit: SIGN_IN_LIMITS.perAddress },
    ],
    ctx.now(),
  );
  if (!perIp.allowed) {
    throw new AppError('rate_limited', 'Too many sign-in requests. Please wait a few minutes.', undefined, perIp.retryAfter);
  }
  if (!perAddress.allowed) return;
  await enqueueJob(ctx.prisma, 'send_sign_in_link', { addressKey, ...(input.next && input.next !== '/admin' ? { next: input.next } : {}) });
}

/** An invitation: the invitee gets a sign-in link (the job runs for a known moderator). */
export async function enqueueInvitationEmail(
  db: Parameters<typeof enqueueJob>[0],
  opts: { siteId: string; moderatorId: string },
): Promise<void> {
  await enqueueJob(db, 'send_sign_in_link', { siteId: opts.siteId, moderatorId: opts.moderatorId });
}

/** Why a link cannot be used, as the error its page shows: 400 unknown or tampered, 410 used or expired. */
function linkRefusal(link: { usedAt: Date | null; expiresAt: Date; moderator: { revokedAt: Date | null } } | null, now: Date): AppError {
  if (!link || link.moderator.revokedAt) return new AppError('validation_failed', 'This sign-in link is not valid.');
  if (link.usedAt) return new AppError('gone', 'This sign-in link was already used. Ask for a new one.');
  if (link.expiresAt <= now) return new AppError('gone', 'This sign-in link has expired. Ask for a new one.');
  return new AppError('validation_failed', 'This sign-in link is not valid.');
}

async function findLink(ctx: AppContext, token: string) {
  if (!TOKEN_FORMAT.test(token)) return null;
  return ctx.prisma.loginLink.findUnique({
    where: { tokenHash: hashLoginToken(token) },
    select: { usedAt: true, expiresAt: true, moderator: { select: { revokedAt: true } } },
  });
}

/** For the link's GET (confirm page): throws the refusal when the link cannot be used; changes nothing. */
export async function assertLoginLinkUsable(ctx: AppContext, token: string): Promise<void> {
  const link = await findLink(ctx, token);
  const now = ctx.now();
  if (!link || link.moderator.revokedAt || link.usedAt || link.expiresAt <= now) throw linkRefusal(link, now);
}

/** For the link's POST: marks it used (once, atomically) and returns its moderator, or throws the refusal. */
export async function consumeLoginLink(ctx: AppContext, token: string): Promise<{ moderatorId: string }> {
  const now = ctx.now();
  if (TOKEN_FORMAT.test(token)) {
    const { rows } = await ctx.pool.query<{ moderatorId: string }>(
      `UPDATE "LoginLink" l SET "usedAt" = $2
         FROM "Moderator" m
        WHERE l."tokenHash" = $1 AND l."usedAt" IS NULL AND l."expiresAt" > $2
          AND m."id" = l."moderatorId" AND m."revokedAt" IS NULL
        RETURNING l."moderatorId"::text AS "moderatorId"`,
      [hashLoginToken(token), now],
    );
    if (rows[0]) return rows[0];
  }
  throw linkRefusal(await findLink(ctx, token), now);
}
