import { Router, type Request, type Response } from 'express';
import path from 'node:path';
import { pickLang, STRINGS, type Lang } from '../../widget/strings';
import { submitCommentSchema } from '../comments/commentSchemas';
import { listThread } from '../comments/listThread';
import { readFromReplica } from '../db/readReplica';
import { submitComment } from '../comments/submitComment';
import type { AppContext } from '../context';
import { AppError, errors } from '../http/AppError';
import { deleteOwnComment, editOwnComment } from '../comments/ownComment';
import { commentIdParamSchema, editOwnCommentSchema } from '../comments/readerSchemas';
import { editableOwnComments } from './ownComments';
import { parseBody } from '../http/bodyParsers';
import { parseInput } from '../http/validate';
import { signFormToken, verifyFormToken } from '../moderation/formToken';
import { getSite, type SiteRecord } from '../sites/siteRepository';
import { loadDemoArticle } from './article';
import { FAVICON_SVG, renderDemoPage } from './demoPage';
import { embedHref, renderEmbedPage, type EmbedQuery, type FormValues } from './embedPage';
import { embedQuerySchema, type EmbedQueryInput } from './embedSchemas';
import { readOwnerCookie, writeOwnerCookie } from './ownerCookie';
import { DEMO_CSS, EMBED_CSS } from './pageStyles';
import { findProjectRoot } from './projectRoot';
import { originSources, pageCsp, setPageHeaders, setScriptHeaders } from './securityHeaders';
import { makeAsset, WidgetBundle, type StaticAsset } from './widgetAsset';

export const DEMO_SITE = 'demo';
export const DEMO_PAGE = '/2026/01/carney-beijing';
const EMBED_THREAD_LIMIT = 50;

const SHORT_CACHE = 'public, max-age=300, stale-while-revalidate=86400';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The reader-facing side of Parley: /widget.js, the demo article (/ and /demo) and the no-JS
 * embed page (/embed/:site). Security headers here replace the app-wide helmet defaults.
 */
export function widgetRouter(ctx: AppContext, opts: { widgetFile?: string } = {}): Router {
  const router = Router();
  const root = findProjectRoot();
  const bundle = new WidgetBundle(opts.widgetFile ?? path.join(root, 'dist/widget/widget.js'), ctx.config.env !== 'production');
  const demoCss = makeAsset(DEMO_CSS);
  const embedCss = makeAsset(EMBED_CSS);
  const favicon = makeAsset(FAVICON_SVG);
  const article = loadDemoArticle(root);

  router.get('/widget.js', (req, res) => {
    const asset = bundle.get();
    if (!asset) throw new AppError('unavailable', 'The widget is not built: run `npm run build:widget`.');
    setScriptHeaders(res);
    // /widget.js?v=<hash> names one exact build, so it may be cached for ever.
    sendAsset(req, res, asset, 'application/javascript; charset=utf-8', req.query.v === asset.hash ? IMMUTABLE : SHORT_CACHE);
  });
  router.get('/demo.css', (req, res) => sendAsset(req, res, demoCss, 'text/css; charset=utf-8', SHORT_CACHE));
  router.get('/embed.css', (req, res) => {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    sendAsset(req, res, embedCss, 'text/css; charset=utf-8', SHORT_CACHE);
  });
  router.get('/favicon.svg', (req, res) => sendAsset(req, res, favicon, 'image/svg+xml', SHORT_CACHE));

  const demoPage = (_req: Request, res: Response) => {
    const page = renderDemoPage({
      article,
      site: DEMO_SITE,
      page: DEMO_PAGE,
      embedHref: embedHref(DEMO_SITE, { page: DEMO_PAGE }),
    });
    setPageHeaders(res, pageCsp({ scripts: true, frameAncestors: [] }), false);
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.type('html').send(page.value);
  };
  router.get('/', demoPage);
  router.get('/demo', demoPage);

  router.get('/embed/:site', async (req, res) => {
    const site = await getSite(ctx, String(req.params.site));
    const q = parseInput(embedQuerySchema, req.query);
    const lang = embedLang(req, q);
    const t = STRINGS[lang];
    const done = q.done === 'edited' ? t.edited : q.done === 'deleted' ? t.deleted : undefined;
    const notice = q.posted ? { text: q.posted === 'approved' ? t.published : t.posted, bad: false } : done ? { text: done, bad: false } : undefined;
    await sendEmbedPage(req, res, site, q, lang, { notice });
  });

  // The reader's own comment, within the edit window, proven by the owner tokens of the embed's cookie.
  router.post('/embed/:site/comments/:id/:change', ...parseBody(ctx.config.bodyLimitBytes, { allowForm: true }), async (req, res) => {
    const site = await getSite(ctx, String(req.params.site));
    const q = parseInput(embedQuerySchema, req.query);
    const lang = embedLang(req, q);
    const t = STRINGS[lang];
    const { id } = parseInput(commentIdParamSchema, req.params);
    const change = String(req.params.change);
    if (change !== 'edit' && change !== 'delete') throw errors.notFound('Page');
    const form = (req.body ?? {}) as Record<string, unknown>;
    const ownerTokens = readOwnerCookie(req, site.id);
    const back = embedQuery(q, lang);
    try {
      if (change === 'delete') {
        await deleteOwnComment(ctx, { site, commentId: id, ownerTokens });
        res.redirect(303, `${embedHref(site.id, back, { done: 'deleted' })}#parley-count`);
        return;
      }
      const { body } = parseInput(editOwnCommentSchema, form);
      const result = await editOwnComment(ctx, { site, commentId: id, ownerTokens, body, ip: req.ip ?? null });
      const extra: Record<string, string> = result.comment.status === 'approved' ? { done: 'edited' } : { posted: 'pending' };
      res.redirect(303, `${embedHref(site.id, back, extra)}#parley-${id}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      res.status(err.status);
      const text = err.status === 403 ? t.editOver : err.fields ? Object.values(err.fields).join(' ') : err.message;
      await sendEmbedPage(req, res, site, { ...q, edit: err.fields ? id : undefined }, lang, {
        notice: { text, bad: true },
        editText: typeof form.body === 'string' ? form.body.slice(0, 100_000) : undefined,
      });
    }
  });

  router.post('/embed/:site', ...parseBody(ctx.config.bodyLimitBytes, { allowForm: true }), async (req, res) => {
    const site = await getSite(ctx, String(req.params.site));
    const q = parseInput(embedQuerySchema, req.query);
    const lang = embedLang(req, q);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const tokens = readOwnerCookie(req, site.id);
    try {
      const body = parseInput(submitCommentSchema, { ...form, page: q.page });
      const result = await submitComment(ctx, {
        site,
        body,
        ip: req.ip ?? null,
        userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
        ownerTokens: tokens,
      });
      writeOwnerCookie(req, res, site.id, [...tokens, result.ownerToken]);
      res.redirect(303, `${embedHref(site.id, embedQuery(q, lang), { posted: result.comment.status })}#parley-${result.comment.id}`);
    } catch (err) {
      // The reader gets the page back with their text and the errors beside the fields, not a JSON body.
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const t = STRINGS[lang];
      if (err.retryAfter !== undefined) res.setHeader('Retry-After', String(err.retryAfter));
      res.status(err.status);
      await sendEmbedPage(req, res, site, { ...q, replyTo: typeof form.parentId === 'string' ? form.parentId : undefined }, lang, {
        values: formValues(form),
        errors: err.fields,
        // Keep the original render time: fixing a typo must not make the reader look like a fast bot.
        formToken: typeof form.formToken === 'string' && verifyFormToken(ctx.secretKey, site.id, form.formToken).kind === 'valid' ? form.formToken : undefined,
        notice: { text: err.fields ? t.fixErrors : err.message, bad: true },
      });
    }
  });

  async function sendEmbedPage(
    req: Request,
    res: Response,
    site: SiteRecord,
    q: EmbedQueryInput,
    lang: Lang,
    extra: { values?: FormValues; errors?: Record<string, string>; notice?: { text: string; bad: boolean }; formToken?: string; editText?: string },
  ) {
    const query = embedQuery(q, lang);
    const args = {
      site, pageKey: q.page, ownerTokens: readOwnerCookie(req, site.id), limit: EMBED_THREAD_LIMIT, cursor: q.cursor,
      sort: q.sort, around: q.around ?? q.edit ?? q.delete,
    };
    // As the JSON thread: the replica for the shared thread, the primary for a reader's own pending comments.
    const rendered = args.ownerTokens.length ? await listThread(ctx, args) : await readFromReplica(ctx, (reader) => listThread(reader, args));
    const page = renderEmbedPage({
      siteId: site.id,
      siteName: site.name,
      thread: rendered.thread,
      query,
      lang,
      now: ctx.now(),
      maxDepth: site.settings.maxDepth,
      replyTo: q.replyTo,
      own: await editableOwnComments(ctx, site, args.ownerTokens),
      editing: q.edit,
      deleting: q.delete,
      cursor: q.cursor,
      selfUrl: `${ctx.publicUrl}${embedHref(site.id, query)}`,
      ...extra,
      formToken: extra.formToken ?? signFormToken(ctx.secretKey, site.id, ctx.now()),
    });
    setPageHeaders(res, pageCsp({ scripts: false, frameAncestors: ["'self'", ...originSources(site.allowedOrigins)] }), true);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.type('html').send(page.value);
  }

  return router;
}

function embedLang(req: Request, q: EmbedQueryInput): Lang {
  return pickLang(q.lang, req.acceptsLanguages()[0]);
}

/** Keep only what links back to the page should carry; the language is always explicit. */
function embedQuery(q: EmbedQueryInput, lang: Lang): EmbedQuery {
  return { page: q.page, lang, theme: q.theme, url: q.url, title: q.title, sort: q.sort };
}

function formValues(form: Record<string, unknown>): FormValues {
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 100_000) : undefined);
  return {
    name: str(form.name),
    email: str(form.email),
    website: str(form.website),
    body: str(form.body),
    notifyReplies: ['on', 'true', '1'].includes(String(form.notifyReplies)),
  };
}

function sendAsset(req: Request, res: Response, asset: StaticAsset, type: string, cacheControl: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', asset.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('Content-Encoding', 'gzip');
    res.send(asset.gzip);
  } else {
    res.send(asset.body);
  }
}
