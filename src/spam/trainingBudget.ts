import type { Tx } from '../context';
import type { ModelStats } from './naiveBayes';

/**
 * The poisoning bound. The model is the site's counts of what moderators decided, so whoever decides
 * most, fastest, would own it: one moderator marking hundreds of good comments as spam (or approving a
 * spam wave by mistake) would teach the site in an afternoon that ordinary words are spam.
 * Each moderator may therefore change the training of a site by at most
 *   max(DAILY_FLOOR, DAILY_SHARE × what the site already learned under that label)
 * decisions per label and UTC day. Past it their decisions still move comments but teach nothing.
 * Growth per day and per account is bounded relative to what the site learned before, so a day of bad
 * decisions shifts the model by a tenth at most, and moderators see it in the spam-per-day counts.
 */
export const DAILY_FLOOR = 20;
export const DAILY_SHARE = 0.1;

export type BudgetLabel = 'spam' | 'ham' | 'none';

export function dailyAllowance(label: BudgetLabel, stats: ModelStats): number {
  const learned = label === 'spam' ? stats.spamDocs : label === 'ham' ? stats.hamDocs : stats.spamDocs + stats.hamDocs;
  return Math.max(DAILY_FLOOR, Math.floor(DAILY_SHARE * learned));
}

/** The UTC day of a date, as stored in SpamTrainingDay.day. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Counts one training change against the moderator's allowance for the day and says whether it may
 * happen. One statement that also reads what the site learned (the allowance grows with it); the row is
 * per (site, moderator, day, label), so moderators do not contend.
 */
export async function trainingAllowance(
  tx: Tx,
  args: { siteId: string; moderatorId: string; now: Date; label: BudgetLabel },
): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<{ count: number; spamDocs: number | null; hamDocs: number | null }[]>(
    `WITH counted AS (
      INSERT INTO "SpamTrainingDay" ("siteId", "moderatorId", "day", "label", "count")
      VALUES ($1, $2::uuid, $3::date, $4, 1)
      ON CONFLICT ("siteId", "moderatorId", "day", "label") DO UPDATE SET "count" = "SpamTrainingDay"."count" + 1
      RETURNING "count"
    )
    SELECT counted."count", s."spamDocs", s."hamDocs"
    FROM counted LEFT JOIN "SpamStats" s ON s."siteId" = $1`,
    args.siteId, args.moderatorId, utcDay(args.now), args.label,
  );
  const row = rows[0];
  const stats: ModelStats = { spamDocs: Number(row?.spamDocs ?? 0), hamDocs: Number(row?.hamDocs ?? 0) };
  return Number(row?.count ?? 0) <= dailyAllowance(args.label, stats);
}
