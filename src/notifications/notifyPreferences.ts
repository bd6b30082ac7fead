import { z } from 'zod';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';

/** How a moderator hears about new comments on each of their sites: one email each, or a digest. */

export const notifyPreferenceSchema = z
  .object({
    notifyMode: z.enum(['each', 'digest']).optional(),
    /** At most one digest email per this many minutes. */
    digestMinutes: z.number().int().min(5).max(7 * 24 * 60).optional(),
  })
  .strict();

export type NotifyPreferencePatch = z.infer<typeof notifyPreferenceSchema>;

export interface NotifyPreference {
  site: string;
  notifyMode: 'each' | 'digest';
  digestMinutes: number;
  lastDigestAt: string | null;
}

function present(row: { siteId: string; notifyMode: string; digestMinutes: number; lastDigestAt: Date | null }): NotifyPreference {
  return {
    site: row.siteId,
    notifyMode: row.notifyMode === 'digest' ? 'digest' : 'each',
    digestMinutes: row.digestMinutes,
    lastDigestAt: row.lastDigestAt?.toISOString() ?? null,
  };
}

export async function listNotifyPreferences(ctx: AppContext, moderatorId: string): Promise<NotifyPreference[]> {
  const rows = await ctx.prisma.siteModerator.findMany({ where: { moderatorId }, orderBy: { siteId: 'asc' } });
  return rows.map(present);
}

export async function updateNotifyPreference(
  ctx: AppContext,
  args: { moderatorId: string; siteId: string; patch: NotifyPreferencePatch },
): Promise<NotifyPreference> {
  const existing = await ctx.prisma.siteModerator.findUnique({
    where: { siteId_moderatorId: { siteId: args.siteId, moderatorId: args.moderatorId } },
  });
  if (!existing) throw new AppError('not_found', 'Site not found.');
  const row = await ctx.prisma.siteModerator.update({
    where: { siteId_moderatorId: { siteId: args.siteId, moderatorId: args.moderatorId } },
    data: args.patch,
  });
  return present(row);
}
