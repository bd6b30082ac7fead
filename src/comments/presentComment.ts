import { renderCommentHtml } from './renderCommentHtml';

/** The public face of a comment: never the email, ip, user agent or anything derived from them. */
export interface PublicComment {
  id: string;
  parentId: string | null;
  name: string;
  website: string | null;
  html: string;
  createdAt: string;
  status: 'pending' | 'approved';
}

export interface CommentRowForPublic {
  id: string;
  parentId: string | null;
  name: string;
  website: string | null;
  body: string;
  createdAt: Date;
  status: string;
}

export function presentPublicComment(row: CommentRowForPublic): PublicComment {
  return {
    id: row.id,
    parentId: row.parentId,
    name: row.name,
    website: row.website,
    html: renderCommentHtml(row.body),
    createdAt: row.createdAt.toISOString(),
    // Anything not approved is shown to its author as awaiting moderation (spam and bans included).
    status: row.status === 'approved' ? 'approved' : 'pending',
  };
}
