import type { AppContext } from '../context';

/** Approved comments per page key, from the counter kept on each page (no scan of comments). */
export async function countComments(ctx: AppContext, siteId: string, pageKeys: string[]): Promise<Record<string, number>> {
  const pages = await ctx.prisma.page.findMany({
    where: { siteId, key: { in: pageKeys } },
    select: { key: true, approvedCount: true },
  });
  const counts: Record<string, number> = Object.create(null);
  for (const key of pageKeys) counts[key] = 0;
  for (const p of pages) counts[p.key] = p.approvedCount;
  return { ...counts };
}
