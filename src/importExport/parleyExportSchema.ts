import { z } from 'zod';

/**
 * Parley's own export (format "parley-site-export", version 1): a JSON object with the site, then its
 * pages, then its comments, parents before replies. The writer puts one page or comment per line; the
 * reader streams element by element whatever the layout.
 */
export const EXPORT_FORMAT = 'parley-site-export';
export const EXPORT_VERSION = 1;

const date = z.coerce.date();
const nullableDate = z.coerce.date().nullable();

export const exportedSiteSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  name: z.string().min(1),
  allowedOrigins: z.array(z.string()),
  settings: z.record(z.string(), z.unknown()),
  createdAt: date,
});

export const exportHeaderSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: date,
  site: exportedSiteSchema,
});

export const exportedPageSchema = z.object({
  id: z.uuid(),
  key: z.string().min(1).max(512),
  url: z.string().nullable(),
  title: z.string().nullable(),
  closed: z.boolean(),
  createdAt: date,
});

export const exportedCommentSchema = z.object({
  id: z.uuid(),
  pageId: z.uuid(),
  parentId: z.uuid().nullable(),
  rootId: z.uuid().nullable(),
  depth: z.number().int().min(0),
  name: z.string(),
  email: z.string(),
  website: z.string().nullable(),
  body: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'spam', 'deleted']),
  reasons: z.array(z.string()),
  spamScore: z.number().nullable(),
  trainedAs: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  ownerTokenHash: z.string(),
  fingerprint: z.string(),
  notifyReplies: z.boolean(),
  createdAt: date,
  updatedAt: date,
  moderatedAt: nullableDate,
  moderatedById: z.uuid().nullable(),
  /** Where the comment was first imported from; kept so re-importing that source later adds nothing. */
  importKey: z.string().nullable().optional(),
});

export type ExportedPage = z.infer<typeof exportedPageSchema>;
export type ExportedComment = z.infer<typeof exportedCommentSchema>;
