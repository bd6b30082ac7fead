import { z } from 'zod';
import { queryInt, queryText, requiredText, uuid } from '../http/fields';
import { MODERATION_ACTIONS } from './moderateComment';

export const STATUS_FILTERS = ['pending', 'approved', 'rejected', 'spam', 'deleted', 'all'] as const;

export const listQuerySchema = z.object({
  status: z.enum(STATUS_FILTERS, { error: `status must be one of ${STATUS_FILTERS.join(', ')}.` }).default('pending'),
  site: queryText('site', 64).optional(),
  page: queryText('page', 512).optional(),
  q: queryText('q', 200).optional(),
  limit: queryInt('limit', 1, 200, 50),
  cursor: queryText('cursor', 200).optional(),
});

export const commentIdParams = z.object({ id: uuid('Comment id') });

export const editBodySchema = z.object({ body: requiredText('Comment', 100_000) }).strict();

export const bulkBodySchema = z
  .object({
    ids: z.array(uuid('Comment id'), { error: 'ids must be a list of comment ids.' }).min(1, 'Give at least one id.').max(200, 'At most 200 ids at once.'),
    action: z.enum(MODERATION_ACTIONS, { error: `action must be one of ${MODERATION_ACTIONS.join(', ')}.` }),
  })
  .strict();

export const auditQuerySchema = z.object({
  site: queryText('site', 64).optional(),
  comment: uuid('comment').optional(),
  limit: queryInt('limit', 1, 200, 50),
  cursor: queryText('cursor', 40).refine((s) => /^\d{1,19}$/.test(s), 'This cursor is not valid.').optional(),
});
