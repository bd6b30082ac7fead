import crypto from 'node:crypto';
import type { AppContext, Tx } from '../context';
import type { CommentStatus } from '../generated/prisma/enums';
import { errors } from '../http/AppError';
import { commentFingerprint } from '../moderation/commentFingerprint';
import { assessComment } from '../moderation/evaluateNewComment';
import { lengthErrors } from '../moderation/rules/lengthLimits';
import type { Decision } from '../moderation/rules/types';
import { enqueueJob } from '../notifications/queue';
import type { SiteRecord } from '../sites/siteRepository';
import { hashOwnerToken } from './ownerTokens';
import { presentPublicComment, type PublicComment } from './presentComment';
import { MESSAGES } from './submitComment';
import { enqueueWebhookEvent } from '../webhooks/enqueueWebhookEvent';

/**
 * A reader edits or deletes their own comment, for `editWindowMinutes` after posting, proven by the comment's
 * owner token (the secret their browser got when posting). Only the token's hash is stored, so the check
 * compares hashes. Every change is in the audit log (via "author"), and bumps the page version so cached
 * threads and ETags move on.
 */

export const EDIT_MESSAGES = {
  noToken: 'Only the author of this comment may change it, from the browser it was posted from.',
  windowOver: 'The time to edit or delete this comment has passed.',
  editingOff: 'Comments cannot be edited or deleted on this site.',
};

/** When the author's window closes: createdAt + the site's window. */
export function editableUntil(site: SiteRecord, createdAt: Date): Date {
  return new Date(createdAt.getTime() + site.settings.editWindowMinutes * 60_000);
}

interface Locked {
  id: string;
  siteId: string;
  pageId: string;
  parentId: string | null;
  name: string;
  email: string;
  website: string | null;
  body: string;
  status: CommentStatus;
  reasons: string[];
  createdAt: Date;
}

/**
 * Reads (in a transaction: locks) the comment and checks the proof and the window; 404 for what the author
 * cannot see, 403 otherwise.
 */
async function lockOwnComment(ctx: AppContext, db: Tx, site: SiteRecord, commentId: string, ownerTokens: string[], lock = true): Promise<Locked> {
  const rows = await db.$queryRawUnsafe<(Locked & { ownerTokenHash: string })[]>(
    `SELECT "id"::text AS "id", "siteId", "pageId"::text AS "pageId", "parentId"::text AS "parentId", "name", "email", "website",
      "body", "status"::text AS "status", "reasons", "createdAt", "ownerTokenHash"
    FROM "Comment" WHERE "id" = $1::uuid${lock ? ' FOR UPDATE' : ''}`,
    commentId,
  );
  const c = rows[0];
  // Rejected, spam and deleted comments are not shown to their author either: nothing to edit there.
  if (!c || c.siteId !== site.id || !['approved', 'pending'].includes(c.status)) throw errors.notFound('Comment');
  if (!ownerTokens.some((t) => sameHash(hashOwnerToken(t), c.ownerTokenHash))) throw errors.forbidden(EDIT_MESSAGES.noToken);
  if (site.settings.editWindowMinutes === 0) throw errors.forbidden(EDIT_MESSAGES.editingOff);
  if (ctx.now().getTime() > editableUntil(site, c.createdAt).getTime()) throw errors.forbidden(EDIT_MESSAGES.windowOver);
  return c;
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

const STATUS_FOR: Record<Decision, CommentStatus> = { approve: 'approved', hold: 'pending', spam: 'spam', reject: 'rejected' };

export interface EditResult {
  comment: PublicComment & { editableUntil: string };
  message: string;
}

/**
 * The new text goes through the content rules again. A published comment stays published when the edit is
 * clean (the site's pre-moderation mode does not hold it again: it was already approved); links over the
 * limit, hold words or a spam score send it back to pending with the reasons; block words and bans decide
 * as they do for new comments. A pending comment stays pending unless the rules now refuse it.
 */
export async function editOwnComment(
  ctx: AppContext,
  args: { site: SiteRecord; commentId: string; ownerTokens: string[]; body: string; ip: string | null },
): Promise<EditResult> {
  const { site } = args;
  const now = ctx.now();
  // Checked and judged before the transaction: the rules read bans and the spam model on other connections
  // (the embedded database has one), and a refused request should not hold a row lock.
  const before = await lockOwnComment(ctx, ctx.prisma as unknown as Tx, site, args.commentId, args.ownerTokens, false);
  const fieldErrors = lengthErrors({ name: before.name, website: before.website, body: args.body }, site.settings.limits);
  if (fieldErrors.body) throw errors.validation({ body: fieldErrors.body });
  const { outcome, spamScore } = await assessComment(ctx, {
    siteId: site.id,
    // Content rules only: the form was judged when the comment was posted, and an approved comment is not
    // pre-moderated twice (a pending one stays pending anyway).
    settings: { ...site.settings, mode: 'post', minSubmitSeconds: 0, requireFormToken: false },
    comment: { name: before.name, email: before.email, website: before.website, body: args.body },
    ip: args.ip,
    honeypot: undefined,
    form: { kind: 'absent' },
    provenReturning: false,
  });

  const result = await ctx.prisma.$transaction(async (tx) => {
    const current = await lockOwnComment(ctx, tx, site, args.commentId, args.ownerTokens);
    if (current.body === args.body) return { current, status: current.status };
    let status = STATUS_FOR[outcome.decision];
    let reasons = outcome.reasons;
    // A clean edit of a comment still waiting leaves it waiting, for the reasons it was held.
    if (current.status === 'pending' && status === 'approved') {
      status = 'pending';
      reasons = current.reasons;
    }

    await tx.comment.update({
      where: { id: current.id },
      data: {
        body: args.body, status, reasons: status === 'approved' ? [] : reasons, spamScore,
        fingerprint: commentFingerprint(args.body), updatedAt: now,
      },
    });
    const countDelta = (status === 'approved' ? 1 : 0) - (current.status === 'approved' ? 1 : 0);
    // Always a new version: public and owner views (and their caches) must show the new text.
    await tx.page.update({ where: { id: current.pageId }, data: { version: { increment: 1 }, approvedCount: { increment: countDelta } } });
    await tx.auditEvent.create({
      data: {
        siteId: site.id, commentId: current.id, action: 'edit', fromStatus: current.status, toStatus: status,
        oldBody: current.body, newBody: args.body, via: 'author', createdAt: now,
      },
    });
    // Back in the queue: the moderators hear about it as about a new held comment.
    if (status === 'pending' && current.status === 'approved') {
      await enqueueJob(tx, 'notify_new_comment', { siteId: site.id, commentId: current.id });
    }
    return { current, status };
  });

  const { current, status } = result;
  const presented = presentPublicComment({
    id: current.id, parentId: current.parentId, name: current.name, website: current.website,
    body: args.body, createdAt: current.createdAt, status,
  });
  return {
    comment: { ...presented, editableUntil: editableUntil(site, current.createdAt).toISOString() },
    message: status === 'approved' ? 'Your comment has been updated.' : MESSAGES.pending,
  };
}

/** Sets the comment to `deleted` (no row is dropped); its replies stay, as after a moderator's delete. */
export async function deleteOwnComment(
  ctx: AppContext,
  args: { site: SiteRecord; commentId: string; ownerTokens: string[] },
): Promise<void> {
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    const current = await lockOwnComment(ctx, tx, args.site, args.commentId, args.ownerTokens);
    await tx.comment.update({ where: { id: current.id }, data: { status: 'deleted', updatedAt: now } });
    await tx.page.update({
      where: { id: current.pageId },
      data: { version: { increment: 1 }, approvedCount: { increment: current.status === 'approved' ? -1 : 0 } },
    });
    await tx.auditEvent.create({
      data: { siteId: args.site.id, commentId: current.id, action: 'delete', fromStatus: current.status, toStatus: 'deleted', via: 'author', createdAt: now },
    });
    // Webhooks hear of an author's delete as of a moderator's (src/webhooks/).
    await enqueueWebhookEvent(tx, { siteId: args.site.id, commentId: current.id, type: 'comment.deleted', now });
  });
}
