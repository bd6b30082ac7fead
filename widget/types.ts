/** The shapes of the public API the widget reads, as fixed by ../shared/CONTRACT.md. */
export type CommentStatus = 'pending' | 'approved';

export interface PublicComment {
  id: string;
  parentId: string | null;
  name: string;
  website: string | null;
  /** Sanitised by the server; the widget still cleans it again before inserting it. */
  html: string;
  createdAt: string;
  status: CommentStatus;
  replies?: PublicComment[];
  /** In answers to the author's own POST and PATCH: until when they may edit or delete it. */
  editableUntil?: string;
}

export interface ThreadResponse {
  page: { key: string; title?: string | null; closed: boolean; maxDepth?: number };
  total: number;
  comments: PublicComment[];
  nextCursor?: string | null;
  /** The page was opened around a permalink's comment, past the first page. */
  earlier?: boolean;
  /** Optional: the site's deepest reply level, when the server tells it. */
  maxDepth?: number;
}

export interface PostResponse {
  comment: PublicComment;
  ownerToken?: string;
  message?: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}
