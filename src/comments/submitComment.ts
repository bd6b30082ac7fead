import crypto from 'node:crypto';
import type { AppContext } from '../context';
import { insertHeldComment, insertOne, INSERT_COMMENT_SQL, singleParams, type NewCommentRow } from './insertComment';
import { evaluateNewComment } from '../moderation/evaluateNewComment';
import { enqueueApprovalNotifications, newCommentNotificationJob } from '../notifications/enqueue';
import type { SiteRecord } from '../sites/siteRepository';
import type { SubmitCommentBody } from './commentSchemas';
import { newOwnerToken } from './ownerTokens';
import { announceCommentJob, siteAnnounces } from '../webhooks/enqueueWebhookEvent';
import { presentPublicComment, type PublicComment } from './presentComment';

export interface SubmitCommentRequest {
  site: SiteRecord;
  body: SubmitCommentBody;
  ip: string | null;
  userAgent: string | null;
  /** Owner tokens this browser already holds: proof of being a returning author. */
  ownerTokens: string[];
}

export interface SubmitCommentResult {
  comment: PublicComment;
  ownerToken: string;
  message: string;
}

export const MESSAGES = {
  pending: 'Your comment is awaiting moderation.',
  approved: 'Your comment has been published.',
};

/**
 * Accepts a reader's comment: checks where it goes (page, parent, depth), lets the rules decide its status,
 * then stores the comment, its page and its moderator notification in one transaction, so a stored
 * comment never lacks its notification.
 */
export async function submitComment(ctx: AppContext, req: SubmitCommentRequest): Promise<SubmitCommentResult> {
  const { site, body } = req;
  // Round trip 1: the checks' reads and the flood counters (the page and parent come back with them).
  const outcome = await evaluateNewComment(ctx, {
    siteId: site.id,
    settings: site.settings,
    pageKey: body.page,
    parentId: body.parentId,
    name: body.name,
    email: body.email,
    website: body.website,
    body: body.body,
    ip: req.ip,
    userAgent: req.userAgent,
    ownerTokens: req.ownerTokens,
    honeypot: body.hp,
    formToken: body.formToken,
  });

  const parent = outcome.parent;
  const owner = newOwnerToken();
  const now = ctx.now();
  const id = crypto.randomUUID();
  const approved = outcome.status === 'approved';
  const auditAction = outcome.status === 'pending' ? null : AUDIT_ACTION[outcome.status];
  // A published comment skips the moderators' job; on a site with comment.created webhooks (a cached look-up) it gets the webhooks' one.
  const job = outcome.status === 'pending'
    ? newCommentNotificationJob({ commentId: id, siteId: site.id })
    : approved && (await siteAnnounces(ctx, site.id, 'comment.created')) ? announceCommentJob({ commentId: id, siteId: site.id }) : null;
  const row: NewCommentRow = {
    siteId: site.id, pageKey: body.page, pageUrl: body.pageUrl, pageTitle: body.pageTitle, now,
    id, parentId: parent?.id ?? null, rootId: parent ? (parent.rootId ?? parent.id) : null, depth: parent ? parent.depth + 1 : 0,
    name: body.name, email: body.email, website: body.website, body: body.body,
    status: outcome.status, reasons: outcome.reasons, spamScore: outcome.spamScore,
    ip: req.ip, userAgent: req.userAgent, ownerTokenHash: owner.hash, fingerprint: outcome.fingerprint, notifyReplies: body.notifyReplies,
    job, auditAction,
  };
  if (approved && parent) {
    // A reply published at once must notify its parent's author: that job joins the same transaction.
    await ctx.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(INSERT_COMMENT_SQL.count, ...singleParams(row));
      await enqueueApprovalNotifications(tx, { commentId: id, publishedOnSubmit: true });
    });
  } else if (approved) {
    // Round trip 2. One statement is one transaction: page, comment and job are stored together or not at all.
    await insertOne(ctx, ctx.writePool ?? ctx.pool, row);
  } else {
    // Round trip 2, shared with the held comments that arrive meanwhile (one statement, one transaction).
    await insertHeldComment(ctx, row);
  }

  const presented = presentPublicComment({
    id, parentId: parent?.id ?? null, name: body.name, website: body.website, body: body.body, createdAt: now, status: outcome.status,
  });
  return {
    comment: presented, // its status is already the public one: approved, or pending for anything held
    ownerToken: owner.token,
    message: outcome.publicStatus === 'approved' ? MESSAGES.approved : MESSAGES.pending,
  };
}

const AUDIT_ACTION = { approved: 'approve', spam: 'spam', rejected: 'reject' } as const;
