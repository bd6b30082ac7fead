import { Router } from 'express';
import type { AppContext } from '../context';
import { parseBody } from '../http/bodyParsers';
import { assertSiteAdmin, currentModerator, requireModerator } from '../http/moderatorAuth';
import { parseInput } from '../http/validate';
import { assertModerates } from '../moderation/siteRulesSettings';
import { changeSiteMemberRole, inviteSiteMember, listSiteMembers, readSiteForAdmin, removeSiteMember, updateSite } from './siteAdmin';
import { inviteBodySchema, memberParams, rolePatchSchema, sitePatchSchema } from './siteAdminSchemas';
import { siteParams } from '../moderation/rulesSchemas';

/**
 * Site administration under /api/v1/moderation/sites/:site (contract v1.1): the site's name and allowed
 * origins, and its moderators. Admins only, except the member list, which every moderator of the site
 * may read without the email addresses.
 */
export function siteAdminRouter(ctx: AppContext): Router {
  const router = Router();
  const body = parseBody(ctx.config.bodyLimitBytes);
  const base = '/api/v1/moderation/sites/:site';
  const auth = requireModerator(ctx);

  const adminSite = (params: Record<string, unknown>, res: { locals: Record<string, unknown> }) => {
    const { site } = parseInput(siteParams, { site: params.site });
    assertSiteAdmin(currentModerator(res), site);
    return site;
  };
  const noStore = (res: { setHeader(name: string, value: string): unknown }) => res.setHeader('Cache-Control', 'no-store');

  router.get(base, auth, async (req, res) => {
    const site = adminSite(req.params, res);
    noStore(res);
    res.json({ site: await readSiteForAdmin(ctx, site) });
  });

  router.patch(base, auth, ...body, async (req, res) => {
    const site = adminSite(req.params, res);
    const patch = parseInput(sitePatchSchema, req.body ?? {});
    const updated = await updateSite(ctx, site, patch);
    ctx.log.info({ site, moderatorId: currentModerator(res).id, keys: Object.keys(patch) }, 'site changed');
    noStore(res);
    res.json({ site: updated });
  });

  router.get(`${base}/moderators`, auth, async (req, res) => {
    const { site } = parseInput(siteParams, { site: req.params.site });
    const moderator = currentModerator(res);
    assertModerates(moderator, site);
    noStore(res);
    res.json({ moderators: await listSiteMembers(ctx, site, { withEmails: moderator.roles[site] === 'admin' }) });
  });

  router.post(`${base}/moderators`, auth, ...body, async (req, res) => {
    const site = adminSite(req.params, res);
    const input = parseInput(inviteBodySchema, req.body ?? {});
    const { member, created } = await inviteSiteMember(ctx, site, input);
    // Ids only in the log: the address stays in the database and the invitee's inbox.
    ctx.log.info({ site, moderatorId: currentModerator(res).id, invitedId: member.id, role: member.role, created }, 'moderator invited');
    noStore(res);
    res.status(201).json({ moderator: member });
  });

  router.patch(`${base}/moderators/:id`, auth, ...body, async (req, res) => {
    const site = adminSite(req.params, res);
    const { id } = parseInput(memberParams, { site, id: req.params.id });
    const { role } = parseInput(rolePatchSchema, req.body ?? {});
    const member = await changeSiteMemberRole(ctx, site, id, role);
    ctx.log.info({ site, moderatorId: currentModerator(res).id, memberId: id, role }, 'moderator role changed');
    noStore(res);
    res.json({ moderator: member });
  });

  router.delete(`${base}/moderators/:id`, auth, async (req, res) => {
    const site = adminSite(req.params, res);
    const { id } = parseInput(memberParams, { site, id: req.params.id });
    await removeSiteMember(ctx, site, id);
    ctx.log.info({ site, moderatorId: currentModerator(res).id, memberId: id }, 'moderator removed from site');
    res.status(204).end();
  });

  return router;
}
