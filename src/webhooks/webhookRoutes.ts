import { Router, type Request } from 'express';
import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import { parseBody } from '../http/bodyParsers';
import { assertSiteAdmin, currentModerator, requireModerator } from '../http/moderatorAuth';
import { parseInput } from '../http/validate';
import { literalHostRefused } from './addressPolicy';
import { forgetSiteWebhooks } from './enqueueWebhookEvent';
import { deliveriesQuerySchema, webhookBodySchema, webhookParams } from './webhookSchemas';
import { encryptWebhookSecret, newWebhookSecret } from './webhookSecret';

const present = (w: { id: string; url: string; events: string[]; createdAt: Date }) => ({
  id: w.id, url: w.url, events: w.events, createdAt: w.createdAt.toISOString(),
});

/** Site admins register, list and remove webhooks, and read their delivery log. The secret is shown once. */
export function webhookRouter(ctx: AppContext): Router {
  const router = Router();
  const base = '/api/v1/moderation/sites/:site/webhooks';
  router.use(base, requireModerator(ctx), (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const adminSite = (req: Request, res: { locals: Record<string, unknown> }) => {
    const params = parseInput(webhookParams, req.params);
    assertSiteAdmin(currentModerator(res), params.site);
    return params;
  };

  router.post(base, ...parseBody(ctx.config.bodyLimitBytes), async (req, res) => {
    const { site } = adminSite(req, res);
    const input = parseInput(webhookBodySchema, req.body ?? {});
    if (!ctx.config.webhookAllowPrivate && literalHostRefused(new URL(input.url))) {
      throw errors.validation({ url: 'This URL points at a loopback, private or link-local address (set WEBHOOK_ALLOW_PRIVATE=true to allow).' });
    }
    const secret = newWebhookSecret();
    const hook = await ctx.prisma.webhook.create({
      data: {
        siteId: site, url: input.url, events: input.events, secretEnc: encryptWebhookSecret(ctx.secretKey, secret),
        createdById: currentModerator(res).id, createdAt: ctx.now(),
      },
    });
    forgetSiteWebhooks(site);
    res.status(201).json({ webhook: { ...present(hook), secret } });
  });

  router.get(base, async (req, res) => {
    const { site } = adminSite(req, res);
    const hooks = await ctx.prisma.webhook.findMany({ where: { siteId: site }, orderBy: { createdAt: 'asc' } });
    res.json({ webhooks: hooks.map(present) });
  });

  router.delete(`${base}/:id`, async (req, res) => {
    const { site, id } = adminSite(req, res);
    const { count } = await ctx.prisma.webhook.deleteMany({ where: { id: id!, siteId: site } });
    if (count === 0) throw errors.notFound('Webhook');
    forgetSiteWebhooks(site);
    res.status(204).end();
  });

  router.get(`${base}/:id/deliveries`, async (req, res) => {
    const { site, id } = adminSite(req, res);
    const q = parseInput(deliveriesQuerySchema, req.query);
    const hook = await ctx.prisma.webhook.findFirst({ where: { id: id!, siteId: site }, select: { id: true } });
    if (!hook) throw errors.notFound('Webhook');
    const rows = await ctx.prisma.webhookDelivery.findMany({
      where: { webhookId: hook.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit,
      select: {
        id: true, event: true, commentId: true, status: true, attempts: true, responseStatus: true, lastError: true,
        createdAt: true, lastAttemptAt: true, deliveredAt: true,
      },
    });
    res.json({
      deliveries: rows.map((d) => ({
        ...d,
        createdAt: d.createdAt.toISOString(),
        lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
        deliveredAt: d.deliveredAt?.toISOString() ?? null,
      })),
    });
  });
  return router;
}
