import { z } from 'zod';
import type { AppContext } from '../context';
import { queryInt } from '../http/fields';

/**
 * Spam per day for a site, so a wave of false positives is noticed (nobody reads the spam folder):
 * the console's spam folder and the moderators' digest show it.
 * - spam: comments created that UTC day that are in spam now;
 * - restored: "Not spam" decisions that day (a comment moved out of spam to pending or approved).
 * Every day of the window is listed, oldest first, with zeros where nothing happened.
 */
export const MAX_SPAM_DAYS = 90;

export const spamDailyQuerySchema = z.object({ days: queryInt('days', 1, MAX_SPAM_DAYS, 30) });

export const spamDayDto = z.object({
  date: z.string().meta({ example: '2026-12-01' }),
  spam: z.number().int(),
  restored: z.number().int(),
});
export type SpamDay = z.infer<typeof spamDayDto>;
export const spamDailyResponseSchema = z.object({ days: z.array(spamDayDto) });

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC dates of the `days` days ending with `now`'s, oldest first. */
export function dayWindow(now: Date, days: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** Zero-fills the counts found into the window. Pure. */
export function fillDays(window: string[], spam: Map<string, number>, restored: Map<string, number>): SpamDay[] {
  return window.map((date) => ({ date, spam: spam.get(date) ?? 0, restored: restored.get(date) ?? 0 }));
}

export async function spamDaily(ctx: AppContext, siteId: string, days: number): Promise<SpamDay[]> {
  const window = dayWindow(ctx.now(), days);
  // Stored times are UTC in "timestamp" columns: compare and group them as they are, whatever the session zone.
  const since = `${window[0]} 00:00:00`;
  // One round trip; both halves use existing indexes (Comment by site/status/createdAt, AuditEvent by site).
  const rows = await ctx.prisma.$queryRaw<{ kind: 'spam' | 'restored'; day: string; n: number }[]>`
    SELECT 'spam' AS kind, to_char("createdAt", 'YYYY-MM-DD') AS day, count(*)::int AS n
      FROM "Comment"
      WHERE "siteId" = ${siteId} AND "status" = 'spam' AND "createdAt" >= ${since}::timestamp
      GROUP BY day
    UNION ALL
    SELECT 'restored', to_char("createdAt", 'YYYY-MM-DD'), count(*)::int
      FROM "AuditEvent"
      WHERE "siteId" = ${siteId} AND "fromStatus" = 'spam' AND "toStatus" IN ('pending', 'approved') AND "createdAt" >= ${since}::timestamp
      GROUP BY 2`;
  const spam = new Map<string, number>();
  const restored = new Map<string, number>();
  for (const r of rows) (r.kind === 'spam' ? spam : restored).set(r.day, Number(r.n));
  return fillDays(window, spam, restored);
}
