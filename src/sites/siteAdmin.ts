import type { AppContext, Tx } from '../context';
import { enqueueInvitationEmail } from '../console/authLoginLinks';
import { AppError, errors } from '../http/AppError';
import { forgetCachedSite } from './siteRepository';
import { parseSiteSettings } from './siteSettings';
import type { SiteSettings } from './siteSettings';

/**
 * A site's administration (contract v1.1, admin only): its name and allowed origins, and its moderators
 * (invite, role, remove). A site always keeps at least one admin, so it can never be locked out of
 * its own settings.
 */
export type SiteRoleName = 'moderator' | 'admin';

export interface SiteAdminView {
  id: string;
  name: string;
  allowedOrigins: string[];
  settings: SiteSettings;
}

export async function readSiteForAdmin(ctx: AppContext, siteId: string): Promise<SiteAdminView> {
  const row = await ctx.prisma.site.findUnique({ where: { id: siteId }, select: { id: true, name: true, allowedOrigins: true, settings: true } });
  if (!row) throw errors.notFound('Site');
  return { ...row, settings: parseSiteSettings(row.settings) };
}

/**
 * Renames the site or replaces its allowed origins. This instance forgets its cached copy at once; the
 * others' copies expire within the site cache time (5 s, see siteRepository.ts), as the contract allows.
 */
export async function updateSite(
  ctx: AppContext,
  siteId: string,
  patch: { name?: string; allowedOrigins?: string[] },
): Promise<SiteAdminView> {
  const { count } = await ctx.prisma.site.updateMany({
    where: { id: siteId },
    data: { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.allowedOrigins ? { allowedOrigins: patch.allowedOrigins } : {}), updatedAt: ctx.now() },
  });
  if (count === 0) throw errors.notFound('Site');
  forgetCachedSite(ctx, siteId);
  return readSiteForAdmin(ctx, siteId);
}

export interface SiteMember {
  id: string;
  name: string;
  email?: string;
  role: SiteRoleName;
}

/** Active members, admins first. Emails only when the caller is an admin of the site. */
export async function listSiteMembers(ctx: AppContext, siteId: string, opts: { withEmails: boolean }): Promise<SiteMember[]> {
  const rows = await ctx.prisma.siteModerator.findMany({
    where: { siteId, moderator: { revokedAt: null } },
    select: { role: true, moderator: { select: { id: true, name: true, email: true, createdAt: true } } },
  });
  return rows
    .sort((a, b) => (a.role === b.role ? a.moderator.createdAt.getTime() - b.moderator.createdAt.getTime() : a.role === 'admin' ? -1 : 1))
    .map((r) => ({
      id: r.moderator.id,
      name: r.moderator.name,
      ...(opts.withEmails ? { email: r.moderator.email } : {}),
      role: r.role,
    }));
}

/**
 * Invites someone to moderate the site: the active moderator with that address gets the membership (one
 * person, one identity across sites), or a new moderator is created. Either way they get a sign-in link
 * by email, queued in the same transaction. 409 when they already moderate the site.
 */
export async function inviteSiteMember(
  ctx: AppContext,
  siteId: string,
  input: { name: string; email: string; role: SiteRoleName },
): Promise<{ member: SiteMember; created: boolean }> {
  return ctx.prisma.$transaction(async (tx) => {
    const site = await tx.site.findUnique({ where: { id: siteId }, select: { id: true } });
    if (!site) throw errors.notFound('Site');
    const existing = await tx.moderator.findFirst({
      where: { email: { equals: input.email, mode: 'insensitive' }, revokedAt: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, name: true, email: true },
    });
    const moderator = existing ?? (await tx.moderator.create({ data: { name: input.name, email: input.email, createdAt: ctx.now() }, select: { id: true, name: true, email: true } }));
    if (existing) {
      const member = await tx.siteModerator.findUnique({ where: { siteId_moderatorId: { siteId, moderatorId: existing.id } }, select: { role: true } });
      if (member) throw new AppError('conflict', 'This person already moderates this site.');
    }
    await tx.siteModerator.create({ data: { siteId, moderatorId: moderator.id, role: input.role } });
    await enqueueInvitationEmail(tx, { siteId, moderatorId: moderator.id });
    return { member: { id: moderator.id, name: moderator.name, email: moderator.email, role: input.role }, created: !existing };
  });
}

/**
 * The site's memberships, locked for the rest of the transaction, so two admins demoting each other at
 * the same moment cannot both succeed and leave the site without an admin.
 */
async function lockMembers(tx: Tx, siteId: string): Promise<Array<{ moderatorId: string; role: SiteRoleName; revoked: boolean }>> {
  return tx.$queryRaw<Array<{ moderatorId: string; role: SiteRoleName; revoked: boolean }>>`
    SELECT sm."moderatorId"::text AS "moderatorId", sm."role"::text AS "role", (m."revokedAt" IS NOT NULL) AS "revoked"
      FROM "SiteModerator" sm JOIN "Moderator" m ON m."id" = sm."moderatorId"
     WHERE sm."siteId" = ${siteId}
     ORDER BY sm."moderatorId"
       FOR UPDATE OF sm`;
}

function assertKeepsAnAdmin(members: Array<{ moderatorId: string; role: SiteRoleName; revoked: boolean }>, losing: string): void {
  const admins = members.filter((m) => m.role === 'admin' && !m.revoked && m.moderatorId !== losing);
  if (admins.length === 0) throw new AppError('conflict', 'A site needs at least one admin: make someone else an admin first.');
}

export async function changeSiteMemberRole(ctx: AppContext, siteId: string, moderatorId: string, role: SiteRoleName): Promise<SiteMember> {
  await ctx.prisma.$transaction(async (tx) => {
    const members = await lockMembers(tx, siteId);
    const member = members.find((m) => m.moderatorId === moderatorId && !m.revoked);
    if (!member) throw errors.notFound('Moderator');
    if (member.role === role) return;
    if (member.role === 'admin') assertKeepsAnAdmin(members, moderatorId);
    await tx.siteModerator.update({ where: { siteId_moderatorId: { siteId, moderatorId } }, data: { role } });
  });
  const [member] = (await listSiteMembers(ctx, siteId, { withEmails: true })).filter((m) => m.id === moderatorId);
  return member;
}

/** Ends the membership (the moderator keeps their other sites; their sessions see it on the next request). */
export async function removeSiteMember(ctx: AppContext, siteId: string, moderatorId: string): Promise<void> {
  await ctx.prisma.$transaction(async (tx) => {
    const members = await lockMembers(tx, siteId);
    const member = members.find((m) => m.moderatorId === moderatorId);
    if (!member) throw errors.notFound('Moderator');
    if (member.role === 'admin' && !member.revoked) assertKeepsAnAdmin(members, moderatorId);
    await tx.siteModerator.delete({ where: { siteId_moderatorId: { siteId, moderatorId } } });
  });
}
