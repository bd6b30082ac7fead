import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { AppError, errors } from '../http/AppError';
import { toAppError } from '../http/errorMiddleware';
import { authenticateApiKey, currentModerator, requireModerator } from '../http/moderatorAuth';
import { assertLoginLinkUsable, consumeLoginLink, requestSignInLink } from './authLoginLinks';
import {
  AUTH_CSS, AUTH_CSS_PATH, consoleLanguage, renderAuthErrorPage, renderLinkConfirmPage, renderSignInPage, safeNextPath, sendAuthPage,
} from './authPages';
import {
  clearSessionCookie, createConsoleSession, csrfAllows, currentConsoleSession, findConsoleSession, readSessionCookie,
  revokeConsoleSession, setSessionCookie,
} from './authSession';

const emailSchema = z.string().trim().max(320).pipe(z.email());
const KEY_FORMAT = /^[A-Za-z0-9_-]{10,200}$/;

/** Paths whose errors are pages, not JSON. */
const PAGE_PATHS = /^\/admin\/(login|logout)(\/|$)/;

/**
 * Console sign-in and sign-out (pages and form posts), and GET /api/v1/moderation/me.
 * The pages themselves (/admin, ...) belong to the console UI, which shows renderSignInPage when signed out.
 */
export function consoleAuthRouter(ctx: AppContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  const ownOrigin = new URL(ctx.publicUrl).origin;

  /**
   * Sign-in forms accept posts from our own pages only (login CSRF: a foreign page must not sign a
   * moderator's browser into another account). Browsers send Origin on every form POST.
   */
  const sameOriginForm: RequestHandler = (req, _res, next) => {
    const origin = req.get('origin');
    if (origin === undefined || origin === ownOrigin || origin === `${req.protocol}://${req.get('host')}`) return next();
    next(errors.forbidden('This form was sent from another site.'));
  };

  router.get(AUTH_CSS_PATH, (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=3600').send(AUTH_CSS);
  });

  // The forms post here; a GET (a bookmark, a reload after an error) goes back to the sign-in page.
  router.get('/admin/login', (req, res) => {
    res.redirect(303, consoleLanguage(req) === 'fr' && req.query.lang === 'fr' ? '/admin?lang=fr' : '/admin');
  });

  // Email sign-in: the same page, status and work for every well-formed address (see authLoginLinks.ts).
  router.post('/admin/login', sameOriginForm, form, async (req, res) => {
    const lang = consoleLanguage(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNextPath(body.next);
    const email = emailSchema.safeParse(body.email);
    if (!email.success) {
      return sendAuthPage(res, 400, renderSignInPage({ lang, next, error: 'Enter a valid email address.', errorField: 'email' }));
    }
    await requestSignInLink(ctx, { email: email.data, ip: req.ip, next });
    sendAuthPage(res, 200, renderSignInPage({ lang, next, sent: true }));
  });

  // API-key sign-in (the first run in embedded mode): counted and locked out like the Bearer header.
  router.post('/admin/login/key', sameOriginForm, form, async (req, res) => {
    const lang = consoleLanguage(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNextPath(body.next);
    const raw = typeof body.key === 'string' ? body.key.trim() : '';
    if (raw === '') return sendAuthPage(res, 400, renderSignInPage({ lang, next, error: 'Paste your API key.', errorField: 'key' }));
    let found;
    try {
      found = await authenticateApiKey(ctx, KEY_FORMAT.test(raw) ? raw : null, req.ip);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'unauthorized') throw err;
      return sendAuthPage(res, 401, renderSignInPage({ lang, next, error: err.message, errorField: 'key' }));
    }
    const token = await createConsoleSession(ctx, { moderatorId: found.moderator.id, apiKeyId: found.apiKeyId, previousToken: readSessionCookie(req) });
    ctx.log.info({ moderatorId: found.moderator.id, via: 'key' }, 'console sign-in');
    setSessionCookie(ctx, res, token);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, next);
  });

  // The emailed link. GET only asks (mail scanners prefetch links); POST signs in, once.
  router.get('/admin/login/:token', async (req: Request<{ token: string }>, res) => {
    await assertLoginLinkUsable(ctx, req.params.token);
    sendAuthPage(res, 200, renderLinkConfirmPage(consoleLanguage(req)));
  });

  router.post('/admin/login/:token', sameOriginForm, form, async (req: Request<{ token: string }>, res) => {
    const { moderatorId } = await consumeLoginLink(ctx, req.params.token);
    const token = await createConsoleSession(ctx, { moderatorId, apiKeyId: null, previousToken: readSessionCookie(req) });
    ctx.log.info({ moderatorId, via: 'email' }, 'console sign-in');
    setSessionCookie(ctx, res, token);
    res.setHeader('Cache-Control', 'no-store');
    // The confirm form posts back to its own URL, so the link's ?next= comes along.
    res.redirect(303, safeNextPath(req.query.next));
  });

  // Sign out: a state change like any other, so it needs the CSRF token. Without a live session it just leaves.
  router.post('/admin/logout', async (req, res) => {
    const token = readSessionCookie(req);
    const session = token ? await findConsoleSession(ctx, token) : null;
    if (session) {
      if (!(await csrfAllows(req, res, session))) {
        throw errors.forbidden('This request lacks a valid CSRF token. Reload the page and try again.');
      }
      await revokeConsoleSession(ctx, session.id);
      ctx.log.info({ moderatorId: session.moderator.id }, 'console sign-out');
    }
    clearSessionCookie(ctx, res);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, '/admin');
  });

  // Who am I: the console's first call. csrfToken is null for a Bearer key (no cookie, no CSRF).
  router.get('/api/v1/moderation/me', requireModerator(ctx), async (_req, res) => {
    const moderator = currentModerator(res);
    const sites = await ctx.prisma.site.findMany({
      where: { id: { in: moderator.siteIds } },
      select: { id: true, name: true },
      orderBy: { id: 'asc' },
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      moderator: { id: moderator.id, name: moderator.name },
      sites: sites.map((s) => ({ id: s.id, name: s.name, role: moderator.roles[s.id] ?? 'moderator' })),
      csrfToken: currentConsoleSession(res)?.csrfToken ?? null,
    });
  });

  /** Errors of the sign-in pages are pages too, in the page's language, with the right status. */
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    // Library errors too (a form over the size limit is a 413 page); unknown ones go on to be logged as 500s.
    const known = PAGE_PATHS.test(req.path) && !res.headersSent ? toAppError(err) : undefined;
    if (!known || known.code === 'internal' || known.code === 'unavailable') return next(err);
    if (known.retryAfter !== undefined) res.setHeader('Retry-After', String(known.retryAfter));
    sendAuthPage(res, known.status, renderAuthErrorPage(consoleLanguage(req), known.status, known.message));
  };
  router.use(pageErrors);
  return router;
}
