import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import { evaluateNewComment } from '../moderation/evaluateNewComment';
import { enqueueApprovalNotifications, enqueueNewCommentNotification } from '../notifications/enqueue';
import type { SiteRecord } from '../sites/siteRepository';
import type { SubmitCommentBody } from './commentSchemas';
import { newOwnerToken } from './ownerTokens';
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
  const existingPage = await ctx.prisma.page.findUnique({
    where: { siteId_key: { siteId: site.id, key: body.page } },
    select: { id: true, createdAt: true, closed: true },
  });

  const parent = body.parentId ? await findParent(ctx, site, existingPage?.id ?? null, body.parentId) : null;

  const outcome = await evaluateNewComment(ctx, {
    siteId: site.id,
    settings: site.settings,
    page: existingPage ?? { id: null, createdAt: ctx.now(), closed: false },
    parentId: parent?.id ?? null,
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

  const owner = newOwnerToken();
  const now = ctx.now();
  const approved = outcome.status === 'approved';
  const created = await ctx.prisma.$transaction(async (tx) => {
    const [page] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt", "approvedCount", "version")
      VALUES (${site.id}, ${body.page}, ${body.pageUrl}, ${body.pageTitle}, ${now}, ${approved ? 1 : 0}, ${approved ? 1 : 0})
      ON CONFLICT ("siteId", "key") DO UPDATE SET
        "url" = COALESCE("Page"."url", EXCLUDED."url"),
        "title" = COALESCE("Page"."title", EXCLUDED."title"),
        "approvedCount" = "Page"."approvedCount" + ${approved ? 1 : 0},
        "version" = "Page"."version" + ${approved ? 1 : 0}
      RETURNING "id"::text AS id`;
    const comment = await tx.comment.create({
      data: {
        siteId: site.id,
        pageId: page.id,
        parentId: parent?.id ?? null,
        rootId: parent ? (parent.rootId ?? parent.id) : null,
        depth: parent ? parent.depth + 1 : 0,
        name: body.name,
        email: body.email,
        website: body.website,
        body: body.body,
        status: outcome.status,
        reasons: outcome.reasons,
        spamScore: outcome.spamScore,
        ip: req.ip,
        userAgent: req.userAgent,
        ownerTokenHash: owner.hash,
        fingerprint: outcome.fingerprint,
        notifyReplies: body.notifyReplies,
        createdAt: now,
        updatedAt: now,
      },
    });
    if (outcome.status === 'pending') {
      await enqueueNewCommentNotification(tx, { commentId: comment.id, siteId: site.id });
    } else {
      // Published at once (post mode, returning author): replies still notify the parent's author.
      // (A top-level comment published on submission has nobody to notify: skip the lookups.)
      if (approved && parent) await enqueueApprovalNotifications(tx, { commentId: comment.id, publishedOnSubmit: true });
      // The rules decided alone: record it, so moderators can see why a comment skipped the queue.
      await tx.auditEvent.create({
        data: { siteId: site.id, commentId: comment.id, action: outcome.status === 'approved' ? 'approve' : outcome.status === 'spam' ? 'spam' : 'reject', toStatus: outcome.status, via: 'rules', createdAt: now },
      });
    }
    return comment;
  });

  const presented = presentPublicComment(created);
  return {
    comment: { ...presented, status: outcome.publicStatus },
    ownerToken: owner.token,
    message: outcome.publicStatus === 'approved' ? MESSAGES.approved : MESSAGES.pending,
  };
}

async function findParent(ctx: AppContext, site: SiteRecord, pageId: string | null, parentId: string) {
  const parent = await ctx.prisma.comment.findUnique({
    where: { id: parentId },
    select: { id: true, siteId: true, pageId: true, rootId: true, depth: true, status: true },
  });
  if (!parent || parent.siteId !== site.id || parent.pageId !== pageId || parent.status !== 'approved') {
    throw errors.validation({ parentId: 'The comment you are replying to is not on this page.' });
  }
  if (parent.depth + 1 > site.settings.maxDepth) {
    throw errors.validation({
      parentId: site.settings.maxDepth === 0
        ? 'Replies are turned off on this site.'
        : `Replies can be nested at most ${site.settings.maxDepth} levels deep.`,
    });
  }
  return parent;
}
