import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

/**
 * Public endpoints under /api/v1/sites/:site (no authentication; CORS by the site's allowed origins), as ONE
 * middleware that matches the path itself. These are the busiest requests a site sends (every page view, every
 * comment), and express's nested router cost them more than the work: a path match, URL trimming and param
 * bookkeeping per layer, ~17% of a POST's allocations and 8% of a cached read's CPU. Routing here keeps
 * express's rules (case-insensitive, an optional trailing slash, HEAD served by GET, OPTIONS answered with the
 * methods allowed, percent-decoded params), and the site check and CORS run for every path under a site, as the
 * other site-scoped routers (moderation, notifications, privacy…) rely on.
 */
export function publicCommentsRoutes(ctx: AppContext): RequestHandler {
  const cors = siteCors(ctx);
  const [parseCommentBody] = parseBody(ctx.config.bodyLimitBytes, { allowForm: true });
  const [parseJsonBody] = parseBody(ctx.config.bodyLimitBytes);
  const routes: SiteRoute[] = [
    { method: 'POST', path: 'comments', body: parseCommentBody, handle: postComment },
    { method: 'GET', path: 'comments', handle: getThread },
    { method: 'GET', path: 'counts', handle: getCounts },
    { method: 'PATCH', path: 'comments/:id', body: parseJsonBody, handle: patchOwnComment },
    { method: 'DELETE', path: 'comments/:id', handle: deleteComment },
  ];
  const matchers = routes.map((route) => ({ route, pattern: `/api/v1/sites/:site/${route.path}`, rest: restPattern(route.path) }));

  return (req, res, next) => {
    const site = SITE_PATH.exec(req.path);
    if (!site) return next();
    req.params = { site: decodeParam(site[1]) };
    // siteCors looks the site up (async): a database failure there reaches the error middleware too.
    Promise.resolve(
      cors(req, res, (err?: unknown) => {
        if (err) return next(err);
        try {
          dispatch(req, res, site[2] ?? '', next);
        } catch (thrown) {
          next(thrown); // a malformed %-escape in the id
        }
      }),
    ).catch(next);
  };

  function dispatch(req: Request, res: Response, rest: string, next: NextFunction): void {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    let found: { matcher: (typeof matchers)[number]; id?: string } | undefined;
    const allowed: string[] = [];
    for (const matcher of matchers) {
      const hit = matcher.rest.exec(rest);
      if (!hit) continue;
      allowed.push(matcher.route.method);
      if (!found && matcher.route.method === method) found = { matcher, id: hit[1] };
    }
    if (!found) {
      if (req.method === 'OPTIONS' && allowed.length) {
        const allow = allowedMethods(allowed);
        res.setHeader('Allow', allow);
        res.type('text/plain; charset=utf-8').send(allow);
        return;
      }
      return next();
    }
    if (found.id !== undefined) req.params.id = decodeParam(found.id);
    res.locals.routePattern = found.matcher.pattern;
    const { route } = found.matcher;
    const run = (bodyErr?: unknown) => {
      if (bodyErr) return next(bodyErr);
      route.handle(ctx, req, res).catch(next);
    };
    if (route.body) route.body(req, res, run);
    else run();
  }
}

interface SiteRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path after /api/v1/sites/:site/, with at most one `:id` segment. */
  path: string;
  body?: RequestHandler;
  handle: (ctx: AppContext, req: Request, res: Response) => Promise<void>;
}

/** `/api/v1/sites/<site>` and anything under it; group 2 is the rest without its leading slash. */
const SITE_PATH = /^\/api\/v1\/sites\/([^/]+)(?:\/(.*))?$/i;

function restPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(':id', '([^/]+)')}/?$`, 'i');
}

function allowedMethods(methods: string[]): string {
  const all = new Set(methods);
  if (all.has('GET')) all.add('HEAD');
  return [...all].sort().join(', ');
}

/** As express decodes a param: a malformed escape is the client's error (400), not a missing site. */
function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  return decodeURIComponent(value);
}

async function postComment(ctx: AppContext, req: Request, res: Response): Promise<void> {
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
}

// The author's own comment, within the site's edit window: X-Parley-Owner carries that comment's token.
async function patchOwnComment(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const site: SiteRecord = res.locals.site;
  const { id } = parseInput(commentIdParamSchema, req.params);
  const body = parseInput(editOwnCommentSchema, req.body ?? {});
  const result = await editOwnComment(ctx, {
    site, commentId: id, ownerTokens: parseOwnerHeader(req.headers['x-parley-owner']), body: body.body, ip: req.ip ?? null,
  });
  res.setHeader('Cache-Control', 'no-store');
  res.json(result);
}

async function deleteComment(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const site: SiteRecord = res.locals.site;
  const { id } = parseInput(commentIdParamSchema, req.params);
  await deleteOwnComment(ctx, { site, commentId: id, ownerTokens: parseOwnerHeader(req.headers['x-parley-owner']) });
  res.status(204).end();
}

async function getThread(ctx: AppContext, req: Request, res: Response): Promise<void> {
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
}

async function getCounts(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const site: SiteRecord = res.locals.site;
  const query = parseInput(countsQuerySchema, req.query);
  res.setHeader('Cache-Control', 'public, max-age=10, stale-while-revalidate=60');
  res.json({ counts: await readFromReplica(ctx, (reader) => countComments(reader, site.id, query.page)) });
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

