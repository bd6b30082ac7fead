import type { AppContext } from '../context';
import { decodeCursor, encodeCursor } from '../comments/cursor';
import type { Prisma } from '../generated/prisma/client';
import { errors } from '../http/AppError';
import type { AuthenticatedModerator } from '../http/moderatorAuth';
import type { z } from 'zod';
import type { listQuerySchema } from './moderationSchemas';
import { MOD_COMMENT_SELECT, presentModComment, type ModComment } from './presentModComment';

/**
 * The moderation queue: oldest first for pending (first come, first served), newest first otherwise.
 * Keyset paging on (createdAt, id), served by the (siteId, status, createdAt, id) index.
 */
export async function listModerationComments(
  ctx: AppContext,
  moderator: AuthenticatedModerator,
  query: z.infer<typeof listQuerySchema>,
): Promise<{ comments: ModComment[]; nextCursor: string | null }> {
  if (query.site && !moderator.siteIds.includes(query.site)) throw errors.forbidden('You do not moderate this site.');
  const siteIds = query.site ? [query.site] : moderator.siteIds;
  const ascending = query.status === 'pending';
  const after = decodeCursor(query.cursor);
  const where: Prisma.CommentWhereInput = {
    siteId: siteIds.length === 1 ? siteIds[0] : { in: siteIds },
    ...(query.status === 'all' ? {} : { status: query.status }),
    ...(query.page ? { page: { key: query.page } } : {}),
    AND: [
      query.q
        ? {
            OR: [
              { body: { contains: query.q, mode: 'insensitive' } },
              { name: { contains: query.q, mode: 'insensitive' } },
              { email: { contains: query.q, mode: 'insensitive' } },
            ],
          }
        : {},
      after
        ? ascending
          ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
          : { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {},
    ],
  };
  const order = ascending ? 'asc' : 'desc';
  const rows = await ctx.prisma.comment.findMany({
    where,
    orderBy: [{ createdAt: order }, { id: order }],
    take: query.limit + 1,
    select: MOD_COMMENT_SELECT,
  });
  const hasMore = rows.length > query.limit;
  const pageRows = rows.slice(0, query.limit);
  return {
    comments: pageRows.map(presentModComment),
    nextCursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]) : null,
  };
}
