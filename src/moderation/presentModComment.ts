import { presentPublicComment } from '../comments/presentComment';
import { renderCommentHtml } from '../comments/renderCommentHtml';
import type { CommentStatus } from '../generated/prisma/enums';

/** Everything a moderator sees about a comment, email and ip included. Never sent to the public. */
export const MOD_COMMENT_SELECT = {
  id: true, siteId: true, parentId: true, name: true, email: true, website: true, body: true, status: true,
  reasons: true, spamScore: true, ip: true, userAgent: true, createdAt: true, moderatedAt: true, notifyReplies: true,
  page: { select: { key: true, url: true, title: true } },
  moderatedBy: { select: { id: true, name: true } },
  // For replies, the comment answered: the console shows it above the reply (loaded for the whole list at once).
  parent: { select: { id: true, name: true, body: true } },
} as const;

export interface ModCommentRow {
  id: string; siteId: string; parentId: string | null; name: string; email: string; website: string | null;
  body: string; status: CommentStatus; reasons: string[]; spamScore: number | null; ip: string | null;
  userAgent: string | null; createdAt: Date; moderatedAt: Date | null; notifyReplies: boolean;
  page: { key: string; url: string | null; title: string | null };
  moderatedBy: { id: string; name: string } | null;
  parent: { id: string; name: string; body: string } | null;
}

/**
 * Written out field by field, in the public face's order (ids, name, html, dates, status first): spreading
 * presentPublicComment and then adding fifteen fields built each object property by property on a slow
 * path, ~8 µs a comment and the moderation queue's largest CPU cost.
 */
export function presentModComment(row: ModCommentRow) {
  const pub = presentPublicComment(row);
  return {
    id: pub.id,
    parentId: pub.parentId,
    name: pub.name,
    website: pub.website,
    html: pub.html,
    createdAt: pub.createdAt,
    status: row.status,
    body: row.body,
    email: row.email,
    site: row.siteId,
    page: row.page.key,
    pageUrl: row.page.url,
    pageTitle: row.page.title,
    ip: row.ip,
    userAgent: row.userAgent,
    reasons: row.reasons,
    spamScore: row.spamScore,
    notifyReplies: row.notifyReplies,
    moderatedAt: row.moderatedAt?.toISOString() ?? null,
    moderatedBy: row.moderatedBy,
    parent: row.parent ? { id: row.parent.id, name: row.parent.name, html: renderCommentHtml(row.parent.body) } : null,
  };
}
export type ModComment = ReturnType<typeof presentModComment>;
