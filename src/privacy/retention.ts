import type { AppContext } from '../context';
import type { JobOutcome, JobRun } from '../notifications/jobHandlers';
import { enqueueJob } from '../notifications/queue';

/**
 * The daily retention sweep. One job per UTC day, named by a dedupe key ("retention_sweep:2026-12-02"),
 * so however many instances schedule it, the unique index lets exactly one in, and exactly one worker
 * claims it. Each run schedules the next day's.
 */
const DAY_MS = 24 * 3600_000;
/** Finished jobs kept for the operator to look at. */
export const KEEP_SENT_JOBS_DAYS = 14;
export const KEEP_DEAD_JOBS_DAYS = 30;
export const KEEP_WEBHOOK_DELIVERIES_DAYS = 30;
/** Sign-in links are single-use and short-lived; a day after use or expiry they are no use to anyone. */
export const KEEP_LOGIN_LINKS_DAYS = 1;
/** Longer than the longest rate-limit window (a site's flood window is at most 86 400 s). */
export const KEEP_RATE_LIMITS_DAYS = 2;

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** Makes sure the sweep for `at`'s day (or the next) is queued; safe to call from every instance at every start. */
export async function scheduleRetentionSweep(ctx: Pick<AppContext, 'prisma'>, at: Date, opts: { runAt?: Date } = {}): Promise<boolean> {
  const day = dayOf(at);
  const delayMs = Math.max(0, (opts.runAt ?? at).getTime() - Date.now());
  const id = await enqueueJob(ctx.prisma, 'retention_sweep', { siteId: '*', day }, { dedupeKey: `retention_sweep:${day}`, delayMs });
  return id !== null;
}

export interface RetentionResult {
  commentsCleared: number;
  jobsDeleted: number;
  requestsDeleted: number;
  deliveriesDeleted: number;
  loginLinksDeleted: number;
  rateLimitsDeleted: number;
}

/** What the sweep does, callable directly (tests, the CLI). Times come from ctx.now(), so the test clock drives it. */
export async function runRetentionSweep(ctx: AppContext): Promise<RetentionResult> {
  const now = ctx.now();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const commentsCleared = await ctx.prisma.$executeRawUnsafe(
    `UPDATE "Comment" SET "ip" = NULL, "userAgent" = NULL
      WHERE "createdAt" < $1 AND ("ip" IS NOT NULL OR "userAgent" IS NOT NULL)`,
    before(ctx.config.ipRetentionDays),
  );
  const jobsDeleted = await ctx.prisma.$executeRawUnsafe(
    `DELETE FROM "Job" WHERE ("status" = 'sent' AND "finishedAt" < $1) OR ("status" = 'dead' AND "finishedAt" < $2)`,
    before(KEEP_SENT_JOBS_DAYS), before(KEEP_DEAD_JOBS_DAYS),
  );
  // Reader requests: unconfirmed ones past their 24 h, confirmed ones whose email never went out within a week.
  const requestsDeleted = await ctx.prisma.$executeRawUnsafe(
    `DELETE FROM "PrivacyRequest" WHERE ("confirmedAt" IS NULL AND "expiresAt" < $1) OR "createdAt" < $2`,
    now, before(7),
  );
  const deliveriesDeleted = await ctx.prisma.$executeRawUnsafe(
    `DELETE FROM "WebhookDelivery" WHERE "status" <> 'pending' AND "createdAt" < $1`,
    before(KEEP_WEBHOOK_DELIVERIES_DAYS),
  );
  // Rate-limit counters whose window ended (windows are at most a day long): a new hit starts afresh anyway,
  // and the keys hold IPs and digests of addresses.
  const rateLimitsDeleted = await ctx.prisma.$executeRawUnsafe(`DELETE FROM "RateLimit" WHERE "windowStart" < $1`, before(KEEP_RATE_LIMITS_DAYS));
  let loginLinksDeleted = 0;
  // The console's sign-in links (src/console), when that table exists in this database.
  const [exists] = await ctx.prisma.$queryRawUnsafe<{ t: string | null }[]>(`SELECT to_regclass('"LoginLink"')::text AS t`);
  if (exists?.t) {
    loginLinksDeleted = await ctx.prisma.$executeRawUnsafe(
      `DELETE FROM "LoginLink" WHERE ("usedAt" IS NOT NULL AND "usedAt" < $1) OR "expiresAt" < $1`,
      before(KEEP_LOGIN_LINKS_DAYS),
    );
  }
  return { commentsCleared, jobsDeleted, requestsDeleted, deliveriesDeleted, loginLinksDeleted, rateLimitsDeleted };
}

/** The job: queue tomorrow's (shortly after midnight UTC) first, so a sweep that fails does not end the chain; then sweep. */
export async function runRetentionJob(run: JobRun): Promise<JobOutcome> {
  const tomorrow = new Date(Date.parse(`${dayOf(run.ctx.now())}T00:05:00Z`) + DAY_MS);
  await scheduleRetentionSweep(run.ctx, tomorrow, { runAt: tomorrow });
  const result = await runRetentionSweep(run.ctx);
  run.ctx.log.info({ retention: result }, 'retention sweep done');
  return { type: 'done' };
}
