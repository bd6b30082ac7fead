import type { AppContext, Tx } from '../context';
import type { CommentStatus } from '../generated/prisma/enums';
import { errors } from '../http/AppError';
import { enqueueApprovalNotifications } from '../notifications/enqueue';
import { trainOnDecision } from '../spam/trainOnDecision';
import { enqueueWebhookEvent, EVENT_FOR_STATUS } from '../webhooks/enqueueWebhookEvent';
import { loadModComment } from './listModerationComments';
import type { ModComment } from './presentModComment';

export const MODERATION_ACTIONS = ['approve', 'reject', 'spam', 'restore', 'delete'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

const TARGET_STATUS: Record<ModerationAction, CommentStatus> = {
  approve: 'approved',
  reject: 'rejected',
  spam: 'spam',
  restore: 'pending',
  delete: 'deleted',
};

export type ActedVia = 'api' | 'email' | 'cli';

interface Actor {
  moderatorId: string;
  /** Sites the moderator may act on; looked up when not given (one-click links know only the id). */
  siteIds?: string[];
  via: ActedVia;
}

/**
 * Moves a comment to the status the action names, under a row lock so two moderators acting at once
 * stay consistent. Repeating the action that produced the current state changes nothing (and logs nothing).
 * Every real change writes an audit event, keeps the page's public count and version in step, trains the
 * spam model, and on approval queues the reply and author notifications, all in one transaction.
 */
export async function moderateComment(
  ctx: AppContext,
  args: Actor & { commentId: string; action: ModerationAction },
): Promise<{ comment: ModComment; changed: boolean }> {
  const siteIds = args.siteIds ?? (await moderatorSiteIds(ctx, args.moderatorId));
  const target = TARGET_STATUS[args.action];
  const now = ctx.now();
  const changed = await ctx.prisma.$transaction(async (tx) => {
    const current = await lockComment(tx, args.commentId, siteIds);
    if (current.status === target) return false;
    await recordDecision(tx, { current, target, action: args.action, moderatorId: args.moderatorId, via: args.via, now });
    // Restoring from spam ("Not spam") trains ham at once; each moderator's daily training is bounded.
    await trainOnDecision(tx, current, target, { moderatorId: args.moderatorId, now });
    if (target === 'approved') await enqueueApprovalNotifications(tx, { commentId: current.id });
    const event = EVENT_FOR_STATUS[target];
    if (event) await enqueueWebhookEvent(tx, { siteId: current.siteId, commentId: current.id, type: event, now });
    return true;
  });
  return { comment: await loadModComment(ctx, args.commentId), changed };
}

/** Edits a comment's text; the old text stays in the audit log. */
export async function editComment(
  ctx: AppContext,
  args: Actor & { commentId: string; body: string },
): Promise<ModComment> {
  const siteIds = args.siteIds ?? (await moderatorSiteIds(ctx, args.moderatorId));
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    const current = await lockComment(tx, args.commentId, siteIds);
    if (current.body === args.body) return;
    await tx.comment.update({ where: { id: current.id }, data: { body: args.body, updatedAt: now } });
    if (current.status === 'approved') {
      await tx.page.update({ where: { id: current.pageId }, data: { version: { increment: 1 } } });
    }
    await tx.auditEvent.create({
      data: {
        siteId: current.siteId, commentId: current.id, moderatorId: args.moderatorId, action: 'edit',
        fromStatus: current.status, toStatus: current.status, oldBody: current.body, newBody: args.body,
        via: args.via, createdAt: now,
      },
    });
  });
  return loadModComment(ctx, args.commentId);
}

export async function moderatorSiteIds(ctx: AppContext, moderatorId: string): Promise<string[]> {
  const moderator = await ctx.prisma.moderator.findUnique({
    where: { id: moderatorId },
    select: { revokedAt: true, sites: { select: { siteId: true } } },
  });
  if (!moderator || moderator.revokedAt) throw errors.forbidden('This moderator may no longer moderate.');
  return moderator.sites.map((s) => s.siteId);
}

/** Comments on sites the moderator does not moderate are "not found": their existence is not revealed. */
async function lockComment(tx: Tx, commentId: string, siteIds: string[]) {
  // Locked and read in one statement (Prisma cannot lock); the rows are those Prisma's select would give.
  const [comment] = await tx.$queryRaw<LockedComment[]>`
    SELECT "id"::text AS id, "siteId", "pageId"::text AS "pageId", "status"::text AS status, "body", "name", "email",
      "website", "trainedAs"
    FROM "Comment" WHERE "id" = ${commentId}::uuid FOR UPDATE`;
  if (!comment || !siteIds.includes(comment.siteId)) throw errors.notFound('Comment');
  return comment;
}

interface LockedComment {
  id: string; siteId: string; pageId: string; status: CommentStatus; body: string; name: string; email: string;
  website: string | null; trainedAs: string | null;
}

/**
 * The decision itself, in one statement: the comment's new status, its page's public count and version
 * (when the comment enters or leaves the public thread), and the audit event. Raw SQL: three Prisma
 * writes here were three round trips and most of an approval's allocations.
 */
async function recordDecision(
  tx: Tx,
  d: { current: LockedComment; target: CommentStatus; action: ModerationAction; moderatorId: string; via: ActedVia; now: Date },
): Promise<void> {
  const delta = (d.target === 'approved' ? 1 : 0) - (d.current.status === 'approved' ? 1 : 0);
  await tx.$executeRawUnsafe(
    RECORD_DECISION_SQL,
    d.current.id, d.target, d.now, d.moderatorId, delta, d.current.pageId, d.current.siteId, d.action, d.current.status, d.via,
  );
}

const RECORD_DECISION_SQL = `
WITH comment AS (
  UPDATE "Comment" SET "status" = $2::"CommentStatus", "moderatedAt" = $3, "moderatedById" = $4::uuid, "updatedAt" = $3
  WHERE "id" = $1::uuid
  RETURNING "id"
), page AS (
  UPDATE "Page" SET "approvedCount" = "approvedCount" + $5::int, "version" = "version" + 1
  WHERE "id" = $6::uuid AND $5::int <> 0
)
INSERT INTO "AuditEvent" ("siteId", "commentId", "moderatorId", "action", "fromStatus", "toStatus", "via", "createdAt")
SELECT $7, comment."id", $4::uuid, $8, $9, $2::text, $10, $3 FROM comment`;
