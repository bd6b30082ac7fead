import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import { currentModerator, requireModerator } from '../http/moderatorAuth';
import { parseInput } from '../http/validate';
import { moderateComment } from '../moderation/moderateComment';
import { verifyLinkToken, type LinkAction, type LinkClaims, type ModerateAction } from './linkTokens';
import { commentSummaryHtml, confirmForm, messagePage, page, PAGE_CSS, PAGE_CSS_PATH } from './pages';
import { jobCounts, listJobs, type JobView } from './queue';
import { retryDeadJobOfSite } from './retryJob';
import { jobIdParams } from '../sites/siteAdminSchemas';
import { jobsQuerySchema } from './notificationSchemas';
import { escapeHtml, safeHttpUrl } from './templates/html';
import { commentPermalink } from './links';
import { listNotifyPreferences, notifyPreferenceSchema, updateNotifyPreference } from './notifyPreferences';
import { parseBody } from '../http/bodyParsers';

const TARGET_STATUS: Record<ModerateAction, string> = { approve: 'approved', reject: 'rejected', spam: 'spam' };
const VERB: Record<ModerateAction, string> = { approve: 'Approve', reject: 'Reject', spam: 'Mark as spam' };
const DONE_WORD: Record<ModerateAction, string> = { approve: 'approved', reject: 'rejected', spam: 'marked as spam' };

/** Verifies a link token for the route's kind; 400 for anything forged or for another route, 410 when expired. */
function claimsFor(ctx: AppContext, token: string, kinds: readonly LinkAction[]): LinkClaims {
  const r = verifyLinkToken(ctx.secretKey, token, ctx.now());
  if (!r.ok && r.reason === 'expired') throw new AppError('gone', 'This link has expired.');
  if (!r.ok || !kinds.includes(r.claims.action)) throw new AppError('validation_failed', 'This link is not valid.');
  return r.claims;
}

async function loadSummary(ctx: AppContext, commentId: string) {
  const c = await ctx.prisma.comment.findUnique({
    where: { id: commentId },
    select: {
      id: true, siteId: true, name: true, body: true, status: true, createdAt: true,
      site: { select: { name: true } }, page: { select: { key: true, title: true, url: true } },
    },
  });
  if (!c) throw new AppError('not_found', 'This comment no longer exists.');
  return {
    ...c,
    summary: {
      siteName: c.site.name, pageTitle: c.page.title?.trim() || c.page.key, authorName: c.name,
      body: c.body, status: c.status, createdAt: c.createdAt,
    },
  };
}

function presentJob(j: JobView) {
  return {
    ...j,
    runAt: j.runAt.toISOString(),
    lockedAt: j.lockedAt?.toISOString() ?? null,
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

function sendPage(res: Response, status: number, html: string) {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store').send(html);
}


/**
 * One-click links (moderation and unsubscribe) and the operator's job listing.
 * GET never changes anything: mail scanners open links. POST acts.
 */
export function notificationsRouter(ctx: AppContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 });

  router.get(PAGE_CSS_PATH, (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=86400').send(PAGE_CSS);
  });

  router.get('/moderate/:token', async (req: Request<{ token: string }>, res) => {
    const claims = claimsFor(ctx, req.params.token, ['approve', 'reject', 'spam']);
    const action = claims.action as ModerateAction;
    const c = await loadSummary(ctx, claims.commentId);
    let inner: string;
    if (c.status === TARGET_STATUS[action]) {
      inner = `<p>This comment is already ${escapeHtml(DONE_WORD[action])}. Nothing to do.</p>${commentSummaryHtml(c.summary)}`;
    } else if (c.status !== 'pending') {
      inner = `<p>This comment was already moderated: it is now <strong>${escapeHtml(c.status)}</strong>. Use the moderation queue to change it.</p>${commentSummaryHtml(c.summary)}`;
    } else {
      inner = `${commentSummaryHtml(c.summary)}${confirmForm(VERB[action], action, { action })}
<p class="note">Nothing has changed yet: this page only asks you to confirm.</p>`;
    }
    sendPage(res, 200, page(`${VERB[action]} this comment?`, inner));
  });

  router.post('/moderate/:token', form, async (req: Request<{ token: string }>, res) => {
    const claims = claimsFor(ctx, req.params.token, ['approve', 'reject', 'spam']);
    const action = claims.action as ModerateAction;
    const posted = (req.body as { action?: unknown } | undefined)?.action;
    if (posted !== undefined && posted !== action) {
      throw new AppError('validation_failed', 'This link is for another action.');
    }
    const c = await loadSummary(ctx, claims.commentId);
    if (c.status === TARGET_STATUS[action]) {
      return sendPage(res, 200, page('Already done', `<p>This comment is already ${escapeHtml(DONE_WORD[action])}.</p>${commentSummaryHtml(c.summary)}`));
    }
    if (c.status !== 'pending') {
      // A newer decision (maybe another moderator's) wins over an old email link.
      throw new AppError('conflict', `This comment was already moderated: it is now ${c.status}.`);
    }
    const result = await moderateComment(ctx, { commentId: c.id, action, moderatorId: claims.moderatorId!, via: 'email' });
    const link = action === 'approve' ? safeHttpUrl(commentPermalink(c.page.url, c.id)) : null;
    sendPage(
      res,
      200,
      page(
        `Comment ${DONE_WORD[action]}`,
        `<p>Done: the comment is now <strong>${escapeHtml(result.comment.status)}</strong>.</p>${commentSummaryHtml({ ...c.summary, status: result.comment.status })}${
          link ? `<p><a href="${escapeHtml(link)}">See it on the page</a></p>` : ''
        }`,
      ),
    );
  });

  router.get('/unsubscribe/:token', async (req: Request<{ token: string }>, res) => {
    const claims = claimsFor(ctx, req.params.token, ['unsubscribe']);
    const c = await loadSummary(ctx, claims.commentId);
    sendPage(
      res,
      200,
      page(
        'Stop reply notifications?',
        `<p>You will no longer get emails about replies to your comments on <strong>${escapeHtml(c.summary.siteName)}</strong>.</p>${confirmForm('Unsubscribe', 'reject')}`,
      ),
    );
  });

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here; the body is not needed, so it is not read.
  router.post('/unsubscribe/:token', async (req: Request<{ token: string }>, res) => {
    const claims = claimsFor(ctx, req.params.token, ['unsubscribe']);
    const c = await ctx.prisma.comment.findUnique({ where: { id: claims.commentId }, select: { siteId: true, email: true, site: { select: { name: true } } } });
    if (!c) throw new AppError('not_found', 'This comment no longer exists.');
    await ctx.prisma.comment.updateMany({
      where: { siteId: c.siteId, email: { equals: c.email, mode: 'insensitive' }, notifyReplies: true },
      data: { notifyReplies: false },
    });
    sendPage(res, 200, messagePage('Unsubscribed', `You will no longer get emails about replies to your comments on ${c.site.name}.`));
  });

  // The author's "confirm this address" link. GET only asks (mail scanners prefetch); POST records the
  // proof that lets this address's next comments skip the queue (see the proof in src/moderation/submissionContext.ts).
  router.get('/verify-email/:token', async (req: Request<{ token: string }>, res) => {
    const claims = claimsFor(ctx, req.params.token, ['verify_email']);
    const c = await loadSummary(ctx, claims.commentId);
    sendPage(
      res,
      200,
      page(
        'Confirm your email address?',
        `<p>Confirm that this address is yours, and your next comments on <strong>${escapeHtml(c.summary.siteName)}</strong> will be published without waiting for a moderator.</p>${confirmForm('Confirm', 'approve')}`,
      ),
    );
  });

  router.post('/verify-email/:token', async (req: Request<{ token: string }>, res) => {
    const claims = claimsFor(ctx, req.params.token, ['verify_email']);
    const c = await ctx.prisma.comment.findUnique({ where: { id: claims.commentId }, select: { siteId: true, email: true, status: true, site: { select: { name: true } } } });
    if (!c) throw new AppError('not_found', 'This comment no longer exists.');
    // A comment marked spam since the email went out proves nothing.
    if (c.status !== 'approved') throw new AppError('gone', 'This link is no longer valid.');
    const email = c.email.trim().toLowerCase();
    await ctx.prisma.verifiedEmail.upsert({
      where: { siteId_email: { siteId: c.siteId, email } },
      create: { siteId: c.siteId, email, verifiedAt: ctx.now() },
      update: { verifiedAt: ctx.now() },
    });
    sendPage(res, 200, messagePage('Address confirmed', `Thank you. Your next comments on ${c.site.name} will be published without waiting.`));
  });

  router.get('/api/v1/moderation/jobs', requireModerator(ctx), async (req, res) => {
    const q = parseInput(jobsQuerySchema, req.query);
    const { siteIds } = currentModerator(res);
    const [counts, jobs] = await Promise.all([
      jobCounts(ctx, { siteIds }),
      listJobs(ctx, { status: q.status, siteIds, limit: q.limit, beforeId: q.before }),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      counts,
      jobs: jobs.map(presentJob),
      nextBefore: jobs.length === q.limit ? jobs[jobs.length - 1].id : null,
    });
  });

  // An admin gives a dead job of their site a fresh set of attempts (the console's notification queue).
  router.post('/api/v1/moderation/jobs/:id/retry', requireModerator(ctx), async (req: Request<{ id: string }>, res) => {
    const { id } = parseInput(jobIdParams, { id: req.params.id });
    const job = await retryDeadJobOfSite(ctx, currentModerator(res), id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ job: presentJob(job) });
  });

  // Each moderator chooses, per site, one email per comment or a digest.
  router.get('/api/v1/moderation/notifications', requireModerator(ctx), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ sites: await listNotifyPreferences(ctx, currentModerator(res).id) });
  });

  router.patch('/api/v1/moderation/notifications/:site', requireModerator(ctx), ...parseBody(ctx.config.bodyLimitBytes), async (req: Request<{ site: string }>, res) => {
    const patch = parseInput(notifyPreferenceSchema, req.body ?? {});
    res.json(await updateNotifyPreference(ctx, { moderatorId: currentModerator(res).id, siteId: req.params.site, patch }));
  });

  /** Errors on the link pages are pages too; everything else goes on to the JSON error middleware. */
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    if (!(err instanceof AppError) || !/^\/(moderate|unsubscribe)\//.test(req.path)) return next(err);
    const titles: Record<number, string> = { 400: 'Invalid link', 403: 'Not allowed', 404: 'Not found', 409: 'Already handled', 410: 'Link expired' };
    const extra = err.status === 410 ? ' Open the moderation queue to act on this comment.' : '';
    sendPage(res, err.status, messagePage(titles[err.status] ?? 'Something went wrong', `${err.message}${extra}`));
  };
  router.use(pageErrors);
  return router;
}
