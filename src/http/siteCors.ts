import cors from 'cors';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { findSite } from '../sites/siteRepository';
import { AppError, errors } from './AppError';

/**
 * Public site endpoints answer browsers only from the site's allowed origins (and the service's own
 * origin, which serves the demo and embed pages). Another Origin gets 403, before any work is done.
 * Requests without an Origin (curl, servers, same-origin GETs) pass.
 */
export function siteCors(ctx: AppContext): RequestHandler {
  const ownOrigin = new URL(ctx.publicUrl).origin;
  return async (req, res, next) => {
    const siteId = String(req.params.site ?? '');
    const site = /^[a-z0-9][a-z0-9-]{0,62}$/.test(siteId) ? await findSite(ctx, siteId) : null;
    if (!site) return next(errors.notFound('Site'));
    res.locals.site = site;
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    // Our own pages (demo, embed) post from whatever host name the reader used to reach us.
    const sameOrigin = origin === ownOrigin || origin === `${req.protocol}://${req.get('host')}`;
    const allowed = sameOrigin || site.allowedOrigins.includes(origin);
    if (!allowed) return next(new AppError('forbidden', 'This site does not accept requests from this origin.'));
    cors({
      origin,
      // PATCH and DELETE: a reader edits or deletes their own comment (proven by X-Parley-Owner).
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'X-Parley-Owner', 'If-None-Match'],
      exposedHeaders: ['ETag', 'Retry-After'],
      maxAge: 600,
    })(req, res, next);
  };
}
