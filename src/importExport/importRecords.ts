import type { CommentStatus } from '../generated/prisma/client';

/**
 * What a parser (WXR, Disqus, Parley JSON) hands the importer, one record at a time, in file order.
 * `ref`s are the source's own ids, only meaningful within one file; `key` is the stable import key
 * stored on the comment (Comment.importKey) so that a second run of the same file adds nothing.
 */
export interface ImportedPage {
  kind: 'page';
  ref: string;
  /** The URL's path (and query, for "?p=123" permalinks): what the widget sends as `page`. */
  key: string;
  url: string | null;
  title: string | null;
  closed: boolean;
  createdAt: Date | null;
}

export interface ImportedComment {
  kind: 'comment';
  ref: string;
  key: string;
  pageRef: string;
  parentRef: string | null;
  /** The parent's import key, to find a parent imported by an earlier run when it is not in this file. */
  parentKey: string | null;
  /** Parley exports only: keep the comment's id when it is free (links and owner tokens keep working). */
  preferredId?: string;
  name: string;
  email: string;
  website: string | null;
  ip: string | null;
  userAgent: string | null;
  body: string;
  status: CommentStatus;
  createdAt: Date;
  // Parley exports carry the rest of the row; other sources leave these to the importer.
  updatedAt?: Date;
  moderatedAt?: Date | null;
  reasons?: string[];
  spamScore?: number | null;
  trainedAs?: string | null;
  notifyReplies?: boolean;
  ownerTokenHash?: string;
  fingerprint?: string;
}

/** Something in the file that is deliberately not imported (a pingback, a trackback). */
export interface SkippedRecord {
  kind: 'skipped';
  reason: string;
}

/** Parley exports only: the exported site, to create it when importing into a site that does not exist yet. */
export interface ImportedSite {
  kind: 'site';
  id: string;
  name: string;
  allowedOrigins: string[];
  settings: Record<string, unknown>;
  createdAt: Date;
}

export type ImportRecord = ImportedPage | ImportedComment | SkippedRecord | ImportedSite;

export type ImportFormat = 'wxr' | 'disqus' | 'parley';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['wxr', 'disqus', 'parley'];

/** The file cannot be read as the format it claims to be; `message` names where (line and column, or element). */
export class ImportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFormatError';
  }
}
