import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { AppError, errors } from '../http/AppError';
import { parseBody } from '../http/bodyParsers';
import { currentModerator, requireModerator, type AuthenticatedModerator } from '../http/moderatorAuth';
import { siteCors } from '../http/siteCors';
import { parseInput } from '../http/validate';
import type { SiteRecord } from '../sites/siteRepository';
import { findSite } from '../sites/siteRepository';
import { eraseReaderData } from './eraseReaderData';
import { exportReaderData } from './exportReaderData';
import { confirmMessage, confirmPage, messagePage, PRIVACY_CSS, PRIVACY_CSS_PATH, requestFormPage } from './privacyPages';
import { confirmPrivacyRequest, createPrivacyRequest, openPrivacyRequest } from './privacyRequests';
import { pickLang, STRINGS } from './privacyStrings';
import { eraseBody, exportQuery, requestBody } from './privacySchemas';

/** The sites where this moderator is an admin (optionally just one of them); 403 when none. */
function adminSites(moderator: AuthenticatedModerator, only?: string): string[] {
  const sites = moderator.siteIds.filter((s) => moderator.roles[s] === 'admin' && (!only || s === only));
  if (sites.length === 0) throw errors.forbidden(only ? 'Only an admin of this site may do this.' : 'Only a site admin may do this.');
  return sites;
}

/** Site ids are slugs; anything else is simply not a site (and never reaches the database). */
async function findPublicSite(ctx: AppContext, siteId: string) {
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(siteId) ? findSite(ctx, siteId) : null;
}

function sendPage(res: Response, status: number, html: string) {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store').send(html);
}

/** Data rights: admins' export and erasure by address, readers' own requests, and the "Your data" page. */
export function privacyRouter(ctx: AppContext): Router {
  const router = Router();
  const json = parseBody(ctx.config.bodyLimitBytes);
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  router.get('/api/v1/moderation/privacy/export', requireModerator(ctx), async (req, res) => {
    const q = parseInput(exportQuery, req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await exportReaderData(ctx, { email: q.email, siteIds: adminSites(currentModerator(res), q.site) }));
  });

  router.post('/api/v1/moderation/privacy/erase', requireModerator(ctx), ...json, async (req, res) => {
    const input = parseInput(eraseBody, req.body ?? {});
    const moderator = currentModerator(res);
    const result = await eraseReaderData(ctx, {
      email: input.email, siteIds: adminSites(moderator, input.site), mode: input.comments, via: 'api', moderatorId: moderator.id,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json(result);
  });

  // A reader's own request: always 202, whatever the address (only a malformed one is a 400).
  router.post('/api/v1/sites/:site/privacy/requests', siteCors(ctx), ...json, async (req, res) => {
    const site: SiteRecord = res.locals.site;
    const input = parseInput(requestBody, req.body ?? {});
    await createPrivacyRequest(ctx, { siteId: site.id, email: input.email, kind: input.kind, ip: req.ip ?? null });
    res.status(202).json({ message: STRINGS.en.sent });
  });

  router.get(PRIVACY_CSS_PATH, (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=86400').send(PRIVACY_CSS);
  });

  router.get('/privacy/confirm/:token', async (req: Request<{ token: string }>, res) => {
    const lang = pickLang(req.query.lang, req.get('accept-language'));
    const open = await openPrivacyRequest(ctx, req.params.token);
    sendPage(res, 200, confirmPage(lang, open));
  });

  router.post('/privacy/confirm/:token', form, async (req: Request<{ token: string }>, res) => {
    const body = (req.body ?? {}) as { lang?: unknown; deleteText?: unknown };
    const lang = pickLang(body.lang ?? req.query.lang, req.get('accept-language'));
    const done = await confirmPrivacyRequest(ctx, req.params.token, { mode: body.deleteText === 'on' ? 'delete' : 'anonymize' });
    sendPage(res, 200, confirmMessage(lang, done));
  });

  router.get('/privacy/:site', async (req: Request<{ site: string }>, res) => {
    const lang = pickLang(req.query.lang, req.get('accept-language'));
    const site = await findPublicSite(ctx, req.params.site);
    if (!site) throw errors.notFound('Site');
    sendPage(res, 200, requestFormPage(lang, site));
  });

  router.post('/privacy/:site', form, async (req: Request<{ site: string }>, res) => {
    const lang = pickLang(req.query.lang, req.get('accept-language'));
    const t = STRINGS[lang];
    const site = await findPublicSite(ctx, req.params.site);
    if (!site) throw errors.notFound('Site');
    const parsed = requestBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const email = typeof (req.body as { email?: unknown })?.email === 'string' ? String((req.body as { email: string }).email).slice(0, 254) : '';
      return sendPage(res, 400, requestFormPage(lang, site, { error: t.invalidEmail, email }));
    }
    try {
      await createPrivacyRequest(ctx, { siteId: site.id, email: parsed.data.email, kind: parsed.data.kind, ip: req.ip ?? null });
    } catch (err) {
      if (err instanceof AppError && err.code === 'rate_limited') {
        if (err.retryAfter) res.setHeader('Retry-After', String(err.retryAfter));
        return sendPage(res, 429, messagePage(lang, t.pageTitle, t.tooMany));
      }
      throw err;
    }
    sendPage(res, 200, messagePage(lang, t.sentTitle, t.sent));
  });

  /** Errors on the reader's pages are pages too (400 tampered, 410 expired or used, 404 unknown site). */
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    if (!(err instanceof AppError) || !/^\/privacy\//.test(req.path)) return next(err);
    const lang = pickLang(req.query.lang ?? (req.body as { lang?: unknown } | undefined)?.lang, req.get('accept-language'));
    const t = STRINGS[lang];
    const message = err.status === 400 ? t.invalidLink : err.status === 410 ? (err.message === 'This link has expired.' ? t.expiredLink : t.usedLink) : err.message;
    sendPage(res, err.status, messagePage(lang, t.pageTitle, message));
  };
  router.use(pageErrors);
  return router;
}
