import { z } from 'zod';
import { formBoolean, optionalLineText, optionalText, queryInt, queryText, requiredLineText, requiredText, text, uuid } from '../http/fields';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

/** An author's website: http(s) only; a bare "jane.example" gets https:// in front, as readers expect. */
const website = optionalLineText('Website', 2000).transform((v, ctx) => {
  if (v === null) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(v) ? v : `https://${v}`;
  try {
    const url = new URL(withScheme);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.')) return url.toString();
  } catch {
    /* falls through to the field error */
  }
  ctx.addIssue({ code: 'custom', message: 'Enter a website address starting with http:// or https://.' });
  return z.NEVER;
});

const pageUrl = optionalText('Page URL', 2048).refine(
  (v) => v === null || /^https?:\/\/[^\s]+$/i.test(v),
  'Page URL must start with http:// or https://.',
);

export const submitCommentSchema = z.object({
  page: requiredText('Page', 512),
  pageUrl,
  pageTitle: optionalText('Page title', 300),
  parentId: z.preprocess((v) => (v === '' ? null : v), uuid('Parent comment').nullable().optional()).transform((v) => v ?? null),
  name: requiredLineText('Name', 200),
  email: requiredText('Email', 254).refine((v) => v === '' || EMAIL.test(v), 'Enter a valid email address.'),
  website,
  body: requiredText('Comment', 100_000),
  notifyReplies: formBoolean.optional().transform((v) => v ?? false),
  /** Honeypot: humans never see this field, bots fill it. */
  hp: text('hp', 1000).optional(),
  /** Signed time the form was rendered (see GET .../form-token). */
  formToken: text('formToken', 200).optional(),
});
export type SubmitCommentBody = z.infer<typeof submitCommentSchema>;

export const threadQuerySchema = z.object({
  page: queryText('page', 512).refine((s) => s.length > 0, 'page is required.'),
  limit: queryInt('limit', 1, 200, 50),
  cursor: queryText('cursor', 200).optional(),
});

export const countsQuerySchema = z.object({
  page: z
    .union([z.string(), z.array(z.string())], { error: 'Give at least one page.' })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(queryText('page', 512)).min(1, 'Give at least one page.').max(100, 'At most 100 pages at once.')),
});

export const siteParamSchema = z.object({
  site: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Unknown site.'),
});

const publicCommentShape = {
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  website: z.string().nullable(),
  html: z.string(),
  createdAt: z.string(),
  status: z.enum(['pending', 'approved']),
};
export type PublicCommentTree = z.infer<typeof publicCommentSchemaBase> & { replies: PublicCommentTree[] };
const publicCommentSchemaBase = z.object(publicCommentShape);
// Named, so the OpenAPI document describes the recursion with a $ref.
export const publicCommentSchema: z.ZodType<PublicCommentTree> = publicCommentSchemaBase
  .extend({ replies: z.array(z.lazy(() => publicCommentSchema)) })
  .meta({ id: 'PublicComment' });

export const submitResponseSchema = z.object({
  comment: publicCommentSchemaBase,
  ownerToken: z.string(),
  message: z.string(),
});

export const threadResponseSchema = z.object({
  page: z.object({ key: z.string(), title: z.string().nullable(), closed: z.boolean(), maxDepth: z.number().int() }),
  total: z.number().int(),
  comments: z.array(publicCommentSchema),
  nextCursor: z.string().nullable().optional(),
});

export const countsResponseSchema = z.object({ counts: z.record(z.string(), z.number().int()) });
