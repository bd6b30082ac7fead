import { z } from 'zod';
import { THREAD_SORTS } from '../comments/threadRoots';
import { queryText, uuid } from '../http/fields';

/** Query of GET/POST /embed/:site. Only `page` is required; odd optional values are ignored, not refused. */
export const embedQuerySchema = z.object({
  page: queryText('page', 512).refine((s) => s.length > 0, 'page is required.'),
  lang: z.string().max(35).optional().catch(undefined),
  theme: z.enum(['light', 'dark']).optional().catch(undefined),
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/\S+$/i)
    .optional()
    .catch(undefined),
  title: z.string().max(300).optional().catch(undefined),
  replyTo: uuid('replyTo').optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
  posted: z.enum(['pending', 'approved']).optional().catch(undefined),
  sort: z.enum(THREAD_SORTS).optional().catch(undefined),
  /** A permalink's comment: the page of the thread that holds it. */
  around: uuid('around').optional().catch(undefined),
  /** The reader's own comment to edit or delete (a form in its place). */
  edit: uuid('edit').optional().catch(undefined),
  delete: uuid('delete').optional().catch(undefined),
  done: z.enum(['edited', 'deleted']).optional().catch(undefined),
});
export type EmbedQueryInput = z.infer<typeof embedQuerySchema>;
