import { z } from 'zod';
import { requiredText, uuid } from '../http/fields';
import { threadQuerySchema } from './commentSchemas';
import { THREAD_SORTS } from './threadRoots';

/** GET .../comments: the contract's query plus the order (`sort`) and a permalink's comment (`around`). */
export const threadListQuerySchema = threadQuerySchema.extend({
  sort: z.enum(THREAD_SORTS, { error: `sort must be one of ${THREAD_SORTS.join(', ')}.` }).optional().transform((v) => v ?? 'oldest'),
  around: uuid('around').optional(),
});

/** PATCH .../comments/{id}: the author's new text (JSON, or a form from the no-JS embed). */
export const editOwnCommentSchema = z.object({ body: requiredText('Comment', 100_000) });

export const commentIdParamSchema = z.object({ id: uuid('Comment') });
