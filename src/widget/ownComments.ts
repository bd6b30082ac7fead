import type { AppContext } from '../context';
import { editableUntil } from '../comments/ownComment';
import { hashOwnerToken } from '../comments/ownerTokens';
import type { SiteRecord } from '../sites/siteRepository';

/**
 * The no-JS embed's reader's own comments still in their edit window, found by the owner tokens of its
 * cookie: id -> the text as written (the Edit form starts from it). One indexed lookup (ownerTokenHash).
 */
export async function editableOwnComments(ctx: AppContext, site: SiteRecord, tokens: string[]): Promise<Map<string, string>> {
  if (tokens.length === 0 || site.settings.editWindowMinutes === 0) return new Map();
  const rows = await ctx.prisma.comment.findMany({
    where: { siteId: site.id, ownerTokenHash: { in: tokens.map(hashOwnerToken) }, status: { in: ['approved', 'pending'] } },
    select: { id: true, body: true, createdAt: true },
  });
  const now = ctx.now().getTime();
  return new Map(rows.filter((r) => editableUntil(site, r.createdAt).getTime() >= now).map((r) => [r.id, r.body]));
}
