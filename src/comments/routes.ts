import { Router, type Response } from 'express';
import type { AppContext } from '../context';
import { parseBody } from '../http/bodyParsers';
import { siteCors } from '../http/siteCors';
import { parseInput } from '../http/validate';
import type { SiteRecord } from '../sites/siteRepository';
import { countsQuerySchema, submitCommentSchema } from './commentSchemas';
import { readFromReplica } from '../db/readReplica';
import { countComments } from './countComments';
import { bodyLength, compressedBody, identityBody, listThread } from './listThread';
import { deleteOwnComment, editableUntil, editOwnComment } from './ownComment';
import { parseOwnerHeader } from './ownerTokens';
import { commentIdParamSchema, editOwnCommentSchema, threadListQuerySchema } from './readerSchemas';
import { submitComment } from './submitComment';

/** Public endpoints under /api/v1/sites/:site (no authentication; CORS by the site's allowed origins). */
export function publicCommentsRouter(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  router.use('/api/v1/sites/:site', siteCors(ctx));

  router.post('/api/v1/sites/:site/comments', ...parseBody(ctx.config.bodyLimitBytes, { allowForm: true }), async (req, res) => {
    const site: SiteRecord = res.locals.site;
    const body = parseInput(submitCommentSchema, req.body ?? {});
    const result = await submitComment(ctx, {
      site,
      body,
      ip: req.ip ?? null,
      userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
      ownerTokens: parseOwnerHeader(req.headers['x-parley-owner']),
    });
    if (req.is('application/x-www-form-urlencoded')) {
      res.redirect(303, redirectTarget(ctx, site, body.pageUrl, body.page, result.comment.id));
      return;
    }
    // When the author may still edit or delete it (the widget shows Edit and Delete until then).
    res.status(201).json({ ...result, comment: { ...result.comment, editableUntil: editableUntil(site, new Date(result.comment.createdAt)).toISOString() } });
  });

  // The author's own comment, within the site's edit window: X-Parley-Owner carries that comment's token.
  router.patch('/api/v1/sites/:site/comments/:id', ...parseBody(ctx.config.bodyLimitBytes), async (req, res) => {
    const site: SiteRecord = res.locals.site;
    const { id } = parseInput(commentIdParamSchema, req.params);
    const body = parseInput(editOwnCommentSchema, req.body ?? {});
    const result = await editOwnComment(ctx, {
      site, commentId: id, ownerTokens: parseOwnerHeader(req.headers['x-parley-owner']), body: body.body, ip: req.ip ?? null,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json(result);
  });

  router.delete('/api/v1/sites/:site/comments/:id', async (req, res) => {
    const site: SiteRecord = res.locals.site;
    const { id } = parseInput(commentIdParamSchema, req.params);
    await deleteOwnComment(ctx, { site, commentId: id, ownerTokens: parseOwnerHeader(req.headers['x-parley-owner']) });
    res.status(204).end();
  });

  router.get('/api/v1/sites/:site/comments', async (req, res) => {
    const site: SiteRecord = res.locals.site;
    const query = parseInput(threadListQuerySchema, req.query);
    const ownerTokens = parseOwnerHeader(req.headers['x-parley-owner']);
    const args = { site, pageKey: query.page, ownerTokens, limit: query.limit, cursor: query.cursor, sort: query.sort, around: query.around };
    // The shared thread may come from the read replica; a reader's own pending comments only from the primary.
    const rendered = ownerTokens.length ? await listThread(ctx, args) : await readFromReplica(ctx, (reader) => listThread(reader, args));
    res.setHeader('ETag', rendered.etag);
    res.setHeader('Vary', 'Origin, X-Parley-Owner, Accept-Encoding');
    res.setHeader(
      'Cache-Control',
      ownerTokens.length ? 'private, no-cache' : 'public, max-age=5, stale-while-revalidate=60',
    );
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json; charset=utf-8');
    // Large threads go out precompressed: once per cached version, and a reader's own view once per view
    // (src/comments/ownerView.ts). The compression middleware leaves a response that has a Content-Encoding alone.
    const encoding = req.headers['accept-encoding'] && bodyLength(rendered) >= 1024 ? req.acceptsEncodings('br', 'gzip') : false;
    if (encoding === 'br' || encoding === 'gzip') {
      res.setHeader('Content-Encoding', encoding);
      res.send(compressedBody(rendered, encoding));
      return;
    }
    if (rendered.parts) {
      sendParts(req.method, res, rendered.parts);
      return;
    }
    res.send(identityBody(rendered));
  });

  router.get('/api/v1/sites/:site/counts', async (req, res) => {
    const site: SiteRecord = res.locals.site;
    const query = parseInput(countsQuerySchema, req.query);
    res.setHeader('Cache-Control', 'public, max-age=10, stale-while-revalidate=60');
    res.json({ counts: await readFromReplica(ctx, (reader) => countComments(reader, site.id, query.page)) });
  });

  return router;
}

/**
 * A body in pieces, without joining them: its length is known, and Node holds the writes of one tick
 * together (the socket is corked until the next tick), so it still leaves in one write.
 */
function sendParts(method: string, res: Response, parts: Buffer[]): void {
  let length = 0;
  for (const part of parts) length += part.length;
  res.setHeader('Content-Length', length);
  if (method === 'HEAD') {
    res.end();
    return;
  }
  for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
  res.end(parts[parts.length - 1]);
}

/**
 * Where a plain HTML form goes after posting: back to its page, but only on an origin the site trusts,
 * so the endpoint cannot be used as an open redirect.
 */
function redirectTarget(ctx: AppContext, site: SiteRecord, pageUrl: string | null, pageKey: string, commentId: string): string {
  if (pageUrl) {
    try {
      const url = new URL(pageUrl);
      if (site.allowedOrigins.includes(url.origin) || url.origin === new URL(ctx.publicUrl).origin) {
        url.hash = `parley-${commentId}`;
        return url.toString();
      }
    } catch {
      /* fall back below */
    }
  }
  return `${ctx.publicUrl}/embed/${encodeURIComponent(site.id)}?page=${encodeURIComponent(pageKey)}#parley-${commentId}`;
}

