import type { z } from 'zod';
import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import type { AuthenticatedModerator } from '../http/moderatorAuth';
import type { auditQuerySchema } from './moderationSchemas';

/** Who did what to which comment, newest first, on the moderator's sites only. */
export async function listAuditEvents(
  ctx: AppContext,
  moderator: AuthenticatedModerator,
  query: z.infer<typeof auditQuerySchema>,
) {
  if (query.site && !moderator.siteIds.includes(query.site)) throw errors.forbidden('You do not moderate this site.');
  const rows = await ctx.prisma.auditEvent.findMany({
    where: {
      siteId: query.site ?? { in: moderator.siteIds },
      ...(query.comment ? { commentId: query.comment } : {}),
      ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
    },
    orderBy: { id: 'desc' },
    take: query.limit + 1,
    include: { moderator: { select: { id: true, name: true } } },
  });
  const hasMore = rows.length > query.limit;
  const events = rows.slice(0, query.limit).map((e) => ({
    id: String(e.id),
    site: e.siteId,
    commentId: e.commentId,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    oldBody: e.oldBody,
    newBody: e.newBody,
    via: e.via,
    moderator: e.moderator,
    createdAt: e.createdAt.toISOString(),
  }));
  return { events, nextCursor: hasMore ? events[events.length - 1].id : null };
}
