import { Router, type Request, type Response } from 'express';
import path from 'node:path';
import type { AppContext } from '../context';
import type { AuthenticatedModerator } from '../http/moderatorAuth';
import { html } from '../widget/html';
import { findProjectRoot } from '../widget/projectRoot';
import { pageCsp, setPageHeaders } from '../widget/securityHeaders';
import { WidgetBundle, type StaticAsset } from '../widget/widgetAsset';
import { AppError } from '../http/AppError';
import { currentConsoleSession, loadConsoleSession } from './authSession';
import { consoleLanguage, sendSignInPage } from './authPages';
import { renderConsoleShell, type ConsoleLang } from './consoleShell';

const SITE_SECTIONS = ['settings', 'origins', 'bans', 'moderators', 'notifications', 'spam'] as const;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT_CACHE = 'public, max-age=300';

const TITLES: Record<ConsoleLang, Record<string, string>> = {
  en: {
    queue: 'Moderation queue', comment: 'Comment', settings: 'Settings', origins: 'Allowed origins', bans: 'Bans',
    moderators: 'Moderators', notifications: 'Notifications', spam: 'Spam', forbidden: 'Admins only',
  },
  fr: {
    queue: 'File de modération', comment: 'Commentaire', settings: 'Réglages', origins: 'Origines autorisées', bans: 'Bannissements',
    moderators: 'Modérateurs', notifications: 'Notifications', spam: 'Indésirables', forbidden: 'Réservé aux administrateurs',
  },
};
const FORBIDDEN_TEXT: Record<ConsoleLang, string> = {
  en: 'Only an admin of this site may open this page.',
  fr: 'Seul un administrateur de ce site peut ouvrir cette page.',
};
const BACK: Record<ConsoleLang, string> = { en: 'Back to the queue', fr: 'Retour à la file' };

/**
 * The moderation console's pages (/admin, /admin/comments/:id, /admin/sites/:site/:section) and its two
 * built files. Signed out, a page answers with the sign-in page (console-auth). Pages are small shells;
 * console/main.ts (bundled to dist/console/console.js) renders them from the moderation API.
 */
export function consolePagesRouter(ctx: AppContext, opts: { dir?: string; pollMs?: number } = {}): Router {
  const router = Router();
  const dir = opts.dir ?? path.join(findProjectRoot(), 'dist/console');
  const watch = ctx.config.env !== 'production';
  const js = new WidgetBundle(path.join(dir, 'console.js'), watch);
  const css = new WidgetBundle(path.join(dir, 'console.css'), watch);
  const pollMs = opts.pollMs ?? 10_000;

  const built = (bundle: WidgetBundle): StaticAsset => {
    const asset = bundle.get();
    if (!asset) throw new AppError('unavailable', 'The console is not built: run `npm run build:console`.');
    return asset;
  };
  router.get('/admin/console.js', (req, res) => sendAsset(req, res, built(js), 'application/javascript; charset=utf-8'));
  router.get('/admin/console.css', (req, res) => sendAsset(req, res, built(css), 'text/css; charset=utf-8'));

  const session = loadConsoleSession(ctx);

  /** Renders a page for a signed-in moderator; signed out, the sign-in page (which returns here). */
  const page = (kind: (req: Request, m: AuthenticatedModerator) => { page: string; site?: string; commentId?: string; forbidden?: boolean }) =>
    [
      session,
      async (req: Request, res: Response) => {
        const s = currentConsoleSession(res);
        setConsoleHeaders(res);
        if (!s) return sendSignInPage(req, res);
        const lang = pageLanguage(req);
        const info = kind(req, s.moderator);
        const rows = await ctx.prisma.site.findMany({ where: { id: { in: s.moderator.siteIds } }, select: { id: true, name: true }, orderBy: { id: 'asc' } });
        const sites = rows.map((r) => ({ id: r.id, name: r.name, role: s.moderator.roles[r.id] ?? ('moderator' as const) }));
        const shell = {
          lang,
          csrfToken: s.csrfToken,
          moderator: { id: s.moderator.id, name: s.moderator.name },
          sites,
          pollMs,
          assets: { js: built(js).hash, css: built(css).hash },
          site: info.site,
          commentId: info.commentId,
        };
        if (info.forbidden) {
          res.status(403).type('html').send(
            renderConsoleShell({
              ...shell,
              page: 'forbidden',
              title: TITLES[lang].forbidden,
              body: html`<h1>${TITLES[lang].forbidden}</h1><p class="notice">${FORBIDDEN_TEXT[lang]}</p><p><a href="/admin">${BACK[lang]}</a></p>`,
            }),
          );
          return;
        }
        res.type('html').send(renderConsoleShell({ ...shell, page: info.page, title: TITLES[lang][info.page] ?? 'Parley' }));
      },
    ] as const;

  router.get('/admin', ...page(() => ({ page: 'queue' })));
  router.get('/admin/comments/:id', ...page((req) => ({ page: 'comment', commentId: String(req.params.id).slice(0, 64) })));
  router.get('/admin/sites/:site', (req, res) => res.redirect(302, `/admin/sites/${encodeURIComponent(req.params.site)}/settings`));
  router.get(
    '/admin/sites/:site/:section',
    ...page((req, m) => {
      const site = String(req.params.site);
      const section = String(req.params.section);
      if (!(SITE_SECTIONS as readonly string[]).includes(section)) throw new AppError('not_found', 'There is no such console page.');
      // Site pages are for the site's admins; a moderator (or a stranger to the site) gets the 403 page.
      return { page: section, site, forbidden: m.roles[site] !== 'admin' };
    }),
  );
  return router;
}

/** `?lang=` (the sign-in page's switch) wins, then the console's own choice (cookie), then the browser's. */
function pageLanguage(req: Request): ConsoleLang {
  if (req.query.lang === 'fr' || req.query.lang === 'en') return req.query.lang;
  const cookie = /(?:^|;\s*)parley_console_lang=(en|fr)(?:;|$)/.exec(req.headers.cookie ?? '');
  return cookie ? (cookie[1] as ConsoleLang) : consoleLanguage(req);
}

/** Same strict policy as the rest: scripts and styles only from this origin, never framed, never cached (CSRF token inside). */
function setConsoleHeaders(res: Response): void {
  setPageHeaders(res, pageCsp({ scripts: true, frameAncestors: [] }), false);
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function sendAsset(req: Request, res: Response, asset: StaticAsset, type: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', req.query.v === asset.hash ? IMMUTABLE : SHORT_CACHE);
  res.setHeader('ETag', asset.etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.fresh) return void res.status(304).end();
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('Content-Encoding', 'gzip');
    res.send(asset.gzip);
  } else {
    res.send(asset.body);
  }
}
