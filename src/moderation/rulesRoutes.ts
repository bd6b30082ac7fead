import { Router } from 'express';
import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import { parseBody } from '../http/bodyParsers';
import { assertSiteAdmin, currentModerator, requireModerator } from '../http/moderatorAuth';
import { siteCors } from '../http/siteCors';
import { parseInput } from '../http/validate';
import type { SiteRecord } from '../sites/siteRepository';
import { spamDaily, spamDailyQuerySchema } from '../spam/spamDaily';
import { siteSettingsPatchSchema } from '../sites/siteSettings';
import { dryRunRules } from './dryRunRules';
import { signFormToken } from './formToken';
import { addBan, listBans, removeBan } from './manageBans';
import { lengthErrors } from './rules/lengthLimits';
import { banBodySchema, banListQuerySchema, banParams, rulesTestBodySchema, siteParams, wordsPatchSchema } from './rulesSchemas';
import { assertModerates, editWordList, readSiteSettings, updateSiteSettings } from './siteRulesSettings';

/**
 * Moderators' endpoints for a site's rules (settings, word lists, bans, dry run) under
 * /api/v1/moderation/sites/:site, and the public form-token endpoint the widget calls.
 */
export function rulesRouter(ctx: AppContext): Router {
  const router = Router();
  const body = parseBody(ctx.config.bodyLimitBytes);
  const base = '/api/v1/moderation/sites/:site';

  // Public: a signed "form rendered now" timestamp (see formToken.ts). Never cached: it is the time.
  router.get('/api/v1/sites/:site/form-token', siteCors(ctx), (_req, res) => {
    const site: SiteRecord = res.locals.site;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ formToken: signFormToken(ctx.secretKey, site.id, ctx.now()) });
  });

  router.use(base, requireModerator(ctx), (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const siteOf = (req: { params: Record<string, unknown> }, res: { locals: Record<string, unknown> }) => {
    const { site } = parseInput(siteParams, { site: req.params.site });
    assertModerates(currentModerator(res), site);
    return site;
  };
  // Settings and word lists change how the whole site is moderated: admins only.
  const adminSiteOf = (req: { params: Record<string, unknown> }, res: { locals: Record<string, unknown> }) => {
    const { site } = parseInput(siteParams, { site: req.params.site });
    assertSiteAdmin(currentModerator(res), site);
    return site;
  };

  // Spam per day (console spam folder): a wave of false positives shows as a bump.
  router.get(`${base}/spam/daily`, async (req, res) => {
    const site = siteOf(req, res);
    const { days } = parseInput(spamDailyQuerySchema, req.query);
    res.json({ days: await spamDaily(ctx, site, days) });
  });

  router.get(`${base}/settings`, async (req, res) => {
    const site = siteOf(req, res);
    res.json({ site, settings: await readSiteSettings(ctx, site) });
  });

  router.patch(`${base}/settings`, ...body, async (req, res) => {
    const site = adminSiteOf(req, res);
    parseInput(siteSettingsPatchSchema, req.body ?? {});
    const settings = await updateSiteSettings(ctx, site, req.body);
    ctx.log.info({ site, moderatorId: currentModerator(res).id, keys: Object.keys(req.body) }, 'site settings changed');
    res.json({ site, settings });
  });

  router.get(`${base}/words`, async (req, res) => {
    const site = siteOf(req, res);
    const { holdWords, blockWords } = await readSiteSettings(ctx, site);
    res.json({ holdWords, blockWords });
  });

  router.patch(`${base}/words`, ...body, async (req, res) => {
    const site = adminSiteOf(req, res);
    const edits = parseInput(wordsPatchSchema, req.body ?? {});
    const current = await readSiteSettings(ctx, site);
    const { holdWords, blockWords } = await updateSiteSettings(ctx, site, {
      holdWords: editWordList(current.holdWords, edits.holdWords),
      blockWords: editWordList(current.blockWords, edits.blockWords),
    });
    res.json({ holdWords, blockWords });
  });

  router.get(`${base}/bans`, async (req, res) => {
    const site = siteOf(req, res);
    const query = parseInput(banListQuerySchema, req.query);
    res.json({ bans: await listBans(ctx, site, { includeExpired: query.expired === 'include' }) });
  });

  router.post(`${base}/bans`, ...body, async (req, res) => {
    const site = siteOf(req, res);
    const input = parseInput(banBodySchema, req.body ?? {});
    const ban = await addBan(ctx, { siteId: site, moderatorId: currentModerator(res).id, ...input });
    ctx.log.info({ site, moderatorId: currentModerator(res).id, banId: ban.id, kind: ban.kind }, 'ban added');
    res.status(201).json({ ban });
  });

  router.delete(`${base}/bans/:id`, async (req, res) => {
    const site = siteOf(req, res);
    const { id } = parseInput(banParams, { site, id: req.params.id });
    await removeBan(ctx, site, id);
    res.status(204).end();
  });

  router.post(`${base}/rules/test`, ...body, async (req, res) => {
    const site = siteOf(req, res);
    const input = parseInput(rulesTestBodySchema, req.body ?? {});
    const settings = await readSiteSettings(ctx, site);
    const fields = lengthErrors(input, settings.limits);
    if (Object.keys(fields).length > 0) throw errors.validation(fields);
    res.json(await dryRunRules(ctx, site, settings, input));
  });

  return router;
}
