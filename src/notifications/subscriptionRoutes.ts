import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import { commentPermalink } from './links';
import { PAGE_CSS_PATH } from './pages';
import { endSubscriptions, listSubscriptions, verifyManageToken, type Subscription } from './replySubscriptions';
import { escapeHtml, excerpt, safeHttpUrl } from './templates/html';

/**
 * The reader's "reply emails" page, linked from every reply email: their subscriptions on that site, each
 * with an Unsubscribe button, and one for all. GET only shows (mail scanners open links); POST changes.
 * No script, no inline style, in English or French.
 */
const TEXT = {
  en: {
    title: 'Your reply emails',
    intro: (site: string) => `You get an email when someone replies to these comments of yours on ${site}.`,
    none: (site: string) => `You get no reply emails from ${site}.`,
    unsubscribe: 'Unsubscribe',
    all: 'Unsubscribe from all',
    ended: (n: number) => (n === 1 ? 'Done: no more reply emails for that comment.' : `Done: no more reply emails for these ${n} comments.`),
    nothing: 'Nothing to change: you were already unsubscribed.',
    posted: 'Posted',
    other: ['fr', 'Français'],
    errors: { 400: 'Invalid link', 404: 'Not found', 410: 'Link expired' } as Record<number, string>,
    invalid: 'This link is not valid.',
    expired: 'This link has expired. The newest reply email has a fresh one.',
    gone: 'The comment this link was sent for no longer exists.',
  },
  fr: {
    title: 'Vos courriels de réponse',
    intro: (site: string) => `Vous recevez un courriel quand quelqu’un répond à ces commentaires que vous avez publiés sur ${site}.`,
    none: (site: string) => `Vous ne recevez aucun courriel de réponse de ${site}.`,
    unsubscribe: 'Se désabonner',
    all: 'Se désabonner de tout',
    ended: (n: number) => (n === 1 ? 'C’est fait : plus de courriels de réponse pour ce commentaire.' : `C’est fait : plus de courriels de réponse pour ces ${n} commentaires.`),
    nothing: 'Rien à changer : vous étiez déjà désabonné.',
    posted: 'Publié le',
    other: ['en', 'English'],
    errors: { 400: 'Lien non valide', 404: 'Introuvable', 410: 'Lien expiré' } as Record<number, string>,
    invalid: 'Ce lien n’est pas valide.',
    expired: 'Ce lien a expiré. Le courriel de réponse le plus récent en contient un nouveau.',
    gone: 'Le commentaire pour lequel ce lien a été envoyé n’existe plus.',
  },
};
type Lang = keyof typeof TEXT;

export const SUBSCRIPTIONS_CSS_PATH = '/subscriptions/page.css';
const CSS = `.subs{list-style:none;margin:0 0 1.5rem;padding:0}.subs li{border-top:1px solid #d0d7de;padding:.75rem 0}
.subs p{margin:0 0 .5rem}.subs time{color:#59636e}.lang{text-align:right;margin:0}.st{font-weight:600;color:#1a7f37}`;
const CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function langOf(req: Request): Lang {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : req.acceptsLanguages('en', 'fr');
  return asked === 'fr' ? 'fr' : 'en';
}

function send(res: Response, status: number, lang: Lang, title: string, inner: string) {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store').setHeader('Content-Security-Policy', CSP);
  res.setHeader('Referrer-Policy', 'no-referrer');
  const [otherLang, otherName] = TEXT[lang].other;
  res.send(`<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Parley</title><link rel="stylesheet" href="${PAGE_CSS_PATH}"><link rel="stylesheet" href="${SUBSCRIPTIONS_CSS_PATH}"></head>
<body><main>
<p class="lang"><a href="?lang=${otherLang}" lang="${otherLang}" hreflang="${otherLang}">${otherName}</a></p>
<h1>${escapeHtml(title)}</h1>
${inner}
</main></body></html>`);
}

const button = (label: string, cls: string, field: [string, string]) =>
  `<form method="post"><input type="hidden" name="${field[0]}" value="${escapeHtml(field[1])}"><button type="submit" class="${cls}">${escapeHtml(label)}</button></form>`;

function item(lang: Lang, s: Subscription): string {
  const t = TEXT[lang];
  const link = safeHttpUrl(commentPermalink(s.pageUrl, s.id));
  const title = link ? `<a href="${escapeHtml(link)}">${escapeHtml(s.pageTitle)}</a>` : escapeHtml(s.pageTitle);
  const date = s.createdAt.toISOString().slice(0, 10);
  return `<li><p><strong>${title}</strong> · <time datetime="${s.createdAt.toISOString()}">${t.posted} ${date}</time></p>
<blockquote>${escapeHtml(excerpt(s.body, 280))}</blockquote>${button(t.unsubscribe, 'reject', ['comment', s.id])}</li>`;
}

export function subscriptionsRouter(ctx: AppContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });

  router.get(SUBSCRIPTIONS_CSS_PATH, (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=86400').send(CSS);
  });

  router.get('/subscriptions/:token', async (req: Request<{ token: string }>, res) => {
    const lang = langOf(req);
    const t = TEXT[lang];
    await withErrorPage(res, lang, async () => {
      const commentId = verifyManageToken(ctx.secretKey, req.params.token, ctx.now());
      const { siteName, subscriptions } = await listSubscriptions(ctx, commentId);
      const ended = Number(req.query.ended);
      const notice = Number.isInteger(ended) && ended >= 0 && req.query.ended !== undefined
        ? `<p class="st" role="status">${escapeHtml(ended > 0 ? t.ended(ended) : t.nothing)}</p>`
        : '';
      const inner = subscriptions.length
        ? `${notice}<p>${escapeHtml(t.intro(siteName))}</p><ul class="subs">${subscriptions.map((s) => item(lang, s)).join('')}</ul>${button(t.all, 'spam', ['all', '1'])}`
        : `${notice}<p>${escapeHtml(t.none(siteName))}</p>`;
      send(res, 200, lang, t.title, inner);
    });
  });

  router.post('/subscriptions/:token', form, async (req: Request<{ token: string }>, res) => {
    const lang = langOf(req);
    await withErrorPage(res, lang, async () => {
      const commentId = verifyManageToken(ctx.secretKey, req.params.token, ctx.now());
      const body = (req.body ?? {}) as { comment?: unknown; all?: unknown };
      const only = typeof body.comment === 'string' && /^[0-9a-f-]{36}$/i.test(body.comment) ? body.comment : null;
      if (!only && body.all !== '1') throw new AppError('validation_failed', TEXT[lang].invalid);
      const ended = await endSubscriptions(ctx, commentId, only);
      // Back to the list (a reload does not post again).
      res.redirect(303, `/subscriptions/${req.params.token}?lang=${lang}&ended=${ended}`);
    });
  });

  return router;
}

/** Errors here are pages too, in the reader's language. */
async function withErrorPage(res: Response, lang: Lang, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const t = TEXT[lang];
    const message = err.status === 410 ? t.expired : err.status === 400 ? t.invalid : err.status === 404 ? t.gone : err.message;
    send(res, err.status, lang, t.errors[err.status] ?? t.errors[400], `<p>${escapeHtml(message)}</p>`);
  }
}
