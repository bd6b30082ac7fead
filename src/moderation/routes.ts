import { Router } from 'express';
import type { AppContext } from '../context';
import { parseBody } from '../http/bodyParsers';
import { currentModerator, requireModerator } from '../http/moderatorAuth';
import { parseInput } from '../http/validate';
import { AppError, errors } from '../http/AppError';
import { loadCommentContext } from './commentContext';
import { listAuditEvents } from './listAuditEvents';
import { listModerationComments } from './listModerationComments';
import { editComment, moderateComment, MODERATION_ACTIONS, type ModerationAction } from './moderateComment';
import { auditQuerySchema, bulkBodySchema, commentIdParams, editBodySchema, listQuerySchema } from './moderationSchemas';

/** Moderator API under /api/v1/moderation (Bearer API key). */
export function moderationRouter(ctx: AppContext): Router {
  const router = Router();
  const body = parseBody(ctx.config.bodyLimitBytes);
  router.use('/api/v1/moderation', requireModerator(ctx), (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/api/v1/moderation/comments', async (req, res) => {
    const query = parseInput(listQuerySchema, req.query);
    res.json(await listModerationComments(ctx, currentModerator(res), query));
  });

  // The console's comment page: the comment, its thread, its history and the author's other comments.
  router.get('/api/v1/moderation/comments/:id/context', async (req, res) => {
    const { id } = parseInput(commentIdParams, { id: req.params.id });
    res.json(await loadCommentContext(ctx, currentModerator(res), id));
  });

  router.post('/api/v1/moderation/comments/bulk', ...body, async (req, res) => {
    const input = parseInput(bulkBodySchema, req.body ?? {});
    const moderator = currentModerator(res);
    const results = [];
    // One transaction per comment: one comment that fails (not found, not yours) does not undo the others.
    for (const id of new Set(input.ids)) {
      try {
        await moderateComment(ctx, { commentId: id, action: input.action, moderatorId: moderator.id, siteIds: moderator.siteIds, via: 'api' });
        results.push({ id, ok: true });
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'internal') throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    res.json({ results });
  });

  router.post('/api/v1/moderation/comments/:id/:action', async (req, res) => {
    const { id } = parseInput(commentIdParams, { id: req.params.id });
    const action = req.params.action as ModerationAction;
    if (!MODERATION_ACTIONS.includes(action) || action === 'delete') throw errors.notFound('Action');
    const moderator = currentModerator(res);
    const { comment } = await moderateComment(ctx, { commentId: id, action, moderatorId: moderator.id, siteIds: moderator.siteIds, via: 'api' });
    res.json({ comment });
  });

  router.patch('/api/v1/moderation/comments/:id', ...body, async (req, res) => {
    const { id } = parseInput(commentIdParams, { id: req.params.id });
    const input = parseInput(editBodySchema, req.body ?? {});
    const moderator = currentModerator(res);
    const comment = await editComment(ctx, { commentId: id, body: input.body, moderatorId: moderator.id, siteIds: moderator.siteIds, via: 'api' });
    res.json({ comment });
  });

  router.delete('/api/v1/moderation/comments/:id', async (req, res) => {
    const { id } = parseInput(commentIdParams, { id: req.params.id });
    const moderator = currentModerator(res);
    const { comment } = await moderateComment(ctx, { commentId: id, action: 'delete', moderatorId: moderator.id, siteIds: moderator.siteIds, via: 'api' });
    res.json({ comment });
  });

  router.get('/api/v1/moderation/audit', async (req, res) => {
    const query = parseInput(auditQuerySchema, req.query);
    res.json(await listAuditEvents(ctx, currentModerator(res), query));
  });

  return router;
}
