import type { AppContext } from '../context';
import { normalizeEmail } from './readerAddress';

/**
 * Every comment stored under an address on the given sites, with every stored field (the page it is on,
 * its moderation history included), plus the confirmations and subscriptions held for the address.
 * What an admin answering a subject access request, or the reader themselves, gets.
 */
export async function exportReaderData(ctx: AppContext, args: { email: string; siteIds: string[] }) {
  const address = normalizeEmail(args.email);
  const ids = args.siteIds.length
    ? await ctx.prisma.$queryRawUnsafe<{ id: string }[]>(
        `SELECT "id"::text AS id FROM "Comment" WHERE "siteId" = ANY($1::text[]) AND lower(btrim("email")) = $2`,
        args.siteIds, address,
      )
    : [];
  const [comments, verified] = await Promise.all([
    ctx.prisma.comment.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: {
        page: { select: { key: true, url: true, title: true } },
        auditEvents: {
          orderBy: { id: 'asc' },
          select: { action: true, fromStatus: true, toStatus: true, oldBody: true, newBody: true, via: true, createdAt: true },
        },
      },
    }),
    ctx.prisma.verifiedEmail.findMany({
      where: { siteId: { in: args.siteIds }, email: address },
      select: { siteId: true, verifiedAt: true },
    }),
  ]);
  return {
    email: address,
    exportedAt: ctx.now().toISOString(),
    sites: args.siteIds,
    // Every column of the row as stored (whatever columns later migrations add), plus its page and history.
    comments: comments.map(({ page, auditEvents, ...stored }) => ({
      ...stored,
      page: page.key,
      pageUrl: page.url,
      pageTitle: page.title,
      history: auditEvents,
    })),
    confirmedAddress: verified.map((v) => ({ site: v.siteId, verifiedAt: v.verifiedAt.toISOString() })),
  };
}

export type ReaderExport = Awaited<ReturnType<typeof exportReaderData>>;
