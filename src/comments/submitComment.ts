import crypto from 'node:crypto';
import type { AppContext } from '../context';
import { prepared } from '../db/preparedStatement';
import { evaluateNewComment } from '../moderation/evaluateNewComment';
import { enqueueApprovalNotifications, newCommentNotificationJob } from '../notifications/enqueue';
import { NOW } from '../notifications/queue';
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
  const params = [
    site.id, body.page, body.pageUrl, body.pageTitle, now, approved ? 1 : 0,
    id, parent?.id ?? null, parent ? (parent.rootId ?? parent.id) : null, parent ? parent.depth + 1 : 0,
    body.name, body.email, body.website, body.body, outcome.status, outcome.reasons, outcome.spamScore,
    req.ip, req.userAgent, owner.hash, outcome.fingerprint, body.notifyReplies,
    job?.kind ?? null, job?.payload ?? null, job?.maxAttempts ?? null, auditAction,
  ];
  if (approved && parent) {
    // A reply published at once must notify its parent's author: that job joins the same transaction.
    await ctx.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(INSERT_COMMENT_SQL.count, ...params);
      await enqueueApprovalNotifications(tx, { commentId: id, publishedOnSubmit: true });
    });
  } else {
    // Round trip 2. One statement is one transaction: page, comment and notification job are stored together or not at all.
    const sql = approved ? INSERT_COMMENT_SQL.count : INSERT_COMMENT_SQL.leave;
    const writePool = ctx.writePool ?? ctx.pool;
    const { rowCount } = await writePool.query(prepared(ctx, sql, params));
    // Zero rows: another request created the page between our look and our insert. The page exists now.
    if (!rowCount) await writePool.query(prepared(ctx, sql, params));
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

/**
 * Stores a new comment in one statement (one round trip on the busiest write path): finds or creates its
 * page, inserts the comment, and either queues the moderators' notification (held comments) or records
 * that the rules decided alone (the audit log shows why a comment skipped the queue).
 *
 * `count` (a published comment) bumps the page's count and version, locking its row. `leave` (a held one)
 * does not touch an existing page row at all, so a burst of held comments on one article does not queue
 * behind that row's lock; if the page appears concurrently it returns no row and the caller runs it again.
 */
function insertCommentSql(pageEffect: 'count' | 'leave'): string {
  const page =
    pageEffect === 'count'
      ? `page AS (
  INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt", "approvedCount", "version")
  VALUES ($1, $2, $3, $4, $5, $6, $6)
  ON CONFLICT ("siteId", "key") DO UPDATE SET
    "url" = COALESCE("Page"."url", EXCLUDED."url"),
    "title" = COALESCE("Page"."title", EXCLUDED."title"),
    "approvedCount" = "Page"."approvedCount" + EXCLUDED."approvedCount",
    "version" = "Page"."version" + EXCLUDED."version"
  RETURNING "id"
)`
      : `existing AS (
  SELECT "id" FROM "Page" WHERE "siteId" = $1 AND "key" = $2
), created AS (
  INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt", "approvedCount", "version")
  SELECT $1, $2, $3, $4, $5, $6, $6 WHERE NOT EXISTS (SELECT 1 FROM existing)
  ON CONFLICT ("siteId", "key") DO NOTHING
  RETURNING "id"
), page AS (
  SELECT "id" FROM existing UNION ALL SELECT "id" FROM created
)`;
  return `
WITH ${page}, comment AS (
  INSERT INTO "Comment" ("id", "siteId", "pageId", "parentId", "rootId", "depth", "name", "email", "website", "body",
    "status", "reasons", "spamScore", "ip", "userAgent", "ownerTokenHash", "fingerprint", "notifyReplies", "createdAt", "updatedAt")
  SELECT $7::uuid, $1, page."id", $8::uuid, $9::uuid, $10, $11, $12, $13, $14,
    $15::"CommentStatus", $16::text[], $17::float8, $18, $19, $20, $21, $22, $5, $5
  FROM page
  RETURNING "id"
), job AS (
  INSERT INTO "Job" ("kind", "payload", "maxAttempts", "runAt", "createdAt")
  SELECT $23::text, $24::jsonb, $25::int, ${NOW}, ${NOW} FROM comment WHERE $23::text IS NOT NULL
), audit AS (
  INSERT INTO "AuditEvent" ("siteId", "commentId", "action", "toStatus", "via", "createdAt")
  SELECT $1, comment."id", $26::text, $15::text, 'rules', $5 FROM comment WHERE $26::text IS NOT NULL
)
SELECT "id" FROM comment`;
}

const INSERT_COMMENT_SQL = { count: insertCommentSql('count'), leave: insertCommentSql('leave') };
