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
 * happen. One statement; the row is per (site, moderator, day, label), so moderators do not contend.
 */
export async function trainingAllowance(
  tx: Tx,
  args: { siteId: string; moderatorId: string; now: Date; label: BudgetLabel; stats: ModelStats },
): Promise<boolean> {
  const limit = dailyAllowance(args.label, args.stats);
  const rows = await tx.$queryRaw<{ count: number }[]>`
    INSERT INTO "SpamTrainingDay" ("siteId", "moderatorId", "day", "label", "count")
    VALUES (${args.siteId}, ${args.moderatorId}::uuid, ${utcDay(args.now)}::date, ${args.label}, 1)
    ON CONFLICT ("siteId", "moderatorId", "day", "label") DO UPDATE SET "count" = "SpamTrainingDay"."count" + 1
    RETURNING "count"`;
  return Number(rows[0]?.count ?? 0) <= limit;
}
