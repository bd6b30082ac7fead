import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import type { AuthenticatedModerator } from '../http/moderatorAuth';
import { MOD_COMMENT_SELECT, presentModComment, type ModComment } from './presentModComment';

/** A thread larger than this shows its first comments only (oldest first): enough context for a decision. */
export const CONTEXT_THREAD_LIMIT = 200;
export const CONTEXT_AUTHOR_LIMIT = 20;
const CONTEXT_AUDIT_LIMIT = 200;

export type ModThreadComment = ModComment & { replies: ModThreadComment[] };

export interface AuditEntry {
  id: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  oldBody: string | null;
  newBody: string | null;
  via: string;
  createdAt: string;
  moderator: { id: string; name: string } | null;
}

export interface CommentContext {
  comment: ModComment;
  /** The comment's whole thread (its top-level ancestor and every reply under it, any status), as a tree. */
  thread: ModThreadComment[];
  /** The comment's history, oldest first: who did what, and the old text of edits. */
  audit: AuditEntry[];
  /** Other comments by the same address on the same site, newest first. */
  authorComments: ModComment[];
}

/**
 * Everything the console's comment page shows around one comment, in four queries after the first (run
 * together). A comment of a site the moderator does not moderate is "not found", as for every other action.
 */
export async function loadCommentContext(ctx: AppContext, moderator: AuthenticatedModerator, commentId: string): Promise<CommentContext> {
  const row = await ctx.prisma.comment.findUnique({ where: { id: commentId }, select: { ...MOD_COMMENT_SELECT, rootId: true } });
  if (!row || !moderator.siteIds.includes(row.siteId)) throw errors.notFound('Comment');
  const rootId = row.rootId ?? row.id;

  const [threadRows, auditRows, authorRows] = await Promise.all([
    ctx.prisma.comment.findMany({
      where: { siteId: row.siteId, OR: [{ id: rootId }, { rootId }] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: CONTEXT_THREAD_LIMIT,
      select: MOD_COMMENT_SELECT,
    }),
    ctx.prisma.auditEvent.findMany({
      where: { commentId: row.id },
      orderBy: { id: 'asc' },
      take: CONTEXT_AUDIT_LIMIT,
      include: { moderator: { select: { id: true, name: true } } },
    }),
    // An erased (or imported address-less) comment has no address: it has no "other comments" either,
    // rather than every such comment on the site.
    row.email.trim() === '' ? Promise.resolve([]) : ctx.prisma.comment.findMany({
      // Addresses are stored as typed: Jane@ and jane@ are one author. One page view, not a hot path.
      where: { siteId: row.siteId, email: { equals: row.email.trim(), mode: 'insensitive' }, id: { not: row.id } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: CONTEXT_AUTHOR_LIMIT,
      select: MOD_COMMENT_SELECT,
    }),
  ]);

  return {
    comment: presentModComment(row),
    thread: buildTree(threadRows.map(presentModComment)),
    audit: auditRows.map((e) => ({
      id: String(e.id),
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      oldBody: e.oldBody,
      newBody: e.newBody,
      via: e.via,
      createdAt: e.createdAt.toISOString(),
      moderator: e.moderator,
    })),
    authorComments: authorRows.map(presentModComment),
  };
}

/** Oldest-first comments into a tree; a reply whose parent was cut off by the limit hangs at the top. */
function buildTree(comments: ModComment[]): ModThreadComment[] {
  const byId = new Map<string, ModThreadComment>();
  for (const c of comments) byId.set(c.id, { ...c, replies: [] });
  const roots: ModThreadComment[] = [];
  for (const node of byId.values()) {
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    if (parent) parent.replies.push(node);
    else roots.push(node);
  }
  return roots;
}
