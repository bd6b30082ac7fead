import type { AppContext, Tx } from '../context';
import { prepared } from '../db/preparedStatement';
import { enqueueJob, LeaseLostError, markJobSent, releaseJob, type ClaimedJob } from './queue';
import { jobKinds, type JobKind, type JobPayload } from './jobKinds';
import type { MailTransport, OutgoingMail } from './mailTransport';
import { commentPermalink, jobMessageId, moderationLinks, moderationQueueUrl, unsubscribeUrl, verifyEmailUrl } from './links';
import { renderModeratorEmail, type HeldComment } from './templates/moderatorEmail';
import { spamDaily } from '../spam/spamDaily';
import { renderDigestEmail } from './templates/digestEmail';
import { renderApprovedEmail, renderReplyEmail } from './templates/authorEmails';
import { manageSubscriptionsUrl } from './replySubscriptions';
import { announceCommentJob, deliverWebhookJob } from '../webhooks/deliverWebhook';
import { enqueueWebhookEvent, siteAnnounces } from '../webhooks/enqueueWebhookEvent';
import * as privacyJobs from '../privacy/privacyJobs';
import { runRetentionJob } from '../privacy/retention';
import { sendSignInLink } from '../console/authSignInJob';

/**
 * What each job kind does. A handler either returns 'done' (the worker then marks the job sent),
 * 'completed' (it marked the job sent itself, inside its own transaction), or asks to run later
 * without the attempt counting.
 */
export type JobOutcome = { type: 'done' } | { type: 'completed' } | { type: 'defer'; delayMs: number; note: string };

export interface JobRun {
  ctx: AppContext;
  transport: MailTransport;
  job: ClaimedJob;
  workerId: string;
}

/** A job that can never succeed (bad payload): straight to dead, no retries. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

const DONE: JobOutcome = { type: 'done' };
/** How many comments a digest lists in full; the rest are counted. */
export const DIGEST_LIST_LIMIT = 50;
/** Days of spam counts a digest shows (a wave of false positives must not go unnoticed). */
export const DIGEST_SPAM_DAYS = 7;

const HELD_SELECT = {
  id: true, siteId: true, parentId: true, name: true, email: true, website: true, body: true,
  reasons: true, status: true, createdAt: true,
  page: { select: { key: true, url: true, title: true } },
  site: { select: { id: true, name: true } },
} as const;

type HeldRow = {
  id: string; siteId: string; parentId: string | null; name: string; email: string; website: string | null;
  body: string; reasons: string[]; status: string; createdAt: Date;
  page: { key: string; url: string | null; title: string | null };
  site: { id: string; name: string };
};

function toHeld(row: HeldRow): HeldComment {
  return {
    id: row.id, name: row.name, email: row.email, website: row.website, body: row.body, reasons: row.reasons,
    status: row.status, createdAt: row.createdAt, isReply: row.parentId !== null,
    pageTitle: row.page.title, pageUrl: row.page.url, pageKey: row.page.key,
  };
}

function payloadOf<K extends JobKind>(kind: K, job: ClaimedJob): JobPayload<K> {
  const parsed = jobKinds[kind].payload.safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobError(`invalid payload for ${kind}`);
  return parsed.data as JobPayload<K>;
}

/** The moderator, if they still moderate the site and are not revoked. */
async function activeSiteModerator(db: AppContext['prisma'] | Tx, siteId: string, moderatorId: string) {
  const sm = await db.siteModerator.findUnique({
    where: { siteId_moderatorId: { siteId, moderatorId } },
    select: {
      notifyMode: true, digestMinutes: true, lastDigestAt: true,
      moderator: { select: { id: true, name: true, email: true, revokedAt: true } },
    },
  });
  return sm && !sm.moderator.revokedAt ? sm : null;
}

/** Fan-out: one email job per moderator (or a digest slot), written with the job's completion in one transaction. */
async function notifyNewComment(run: JobRun): Promise<JobOutcome> {
  const p = payloadOf('notify_new_comment', run.job);
  if (await fanOutInOneStatement(run, p)) return { type: 'completed' };
  await run.ctx.prisma.$transaction(async (tx) => {
    const comment = await tx.comment.findUnique({ where: { id: p.commentId }, select: { id: true, siteId: true, status: true } });
    if (comment && comment.status !== 'deleted' && comment.status !== 'spam') {
      await enqueueWebhookEvent(tx, { siteId: comment.siteId, commentId: comment.id, type: 'comment.created', now: run.ctx.now() });
      const mods = await tx.siteModerator.findMany({
        where: { siteId: comment.siteId, moderator: { revokedAt: null } },
        select: { moderatorId: true, notifyMode: true, digestMinutes: true },
        orderBy: { moderatorId: 'asc' },
      });
      // In a spam wave, moderators who get one email per comment get a digest instead, until it passes.
      const flooding = mods.some((m) => m.notifyMode !== 'digest') && (await isFlooded(tx, comment.siteId, run.ctx.config.notifyFloodThreshold));
      for (const m of mods) {
        if (m.notifyMode === 'digest' || flooding) {
          await scheduleDigest(tx, comment.siteId, m.moderatorId, digestInterval(m));
        } else {
          await enqueueJob(tx, 'send_moderator_email', { siteId: comment.siteId, commentId: comment.id, moderatorId: m.moderatorId });
        }
      }
    }
    // If another worker took this job over meanwhile, this throws and the fan-out above is rolled back.
    await markJobSent(tx, run.job, run.workerId, { throwIfLost: true });
  });
  return { type: 'completed' };
}

/**
 * The fan-out in one statement, as it runs once per held comment (as often as comments arrive): one email job
 * per active moderator who gets each comment, and the job marked sent, only if this worker still holds it.
 * Moderators in digest mode (or all of them during a spam wave) need nothing more when their digest is
 * already waiting, which is the usual case in a wave. Returns false, having changed nothing, when the general
 * path in notifyNewComment must run: a digest to schedule, or a webhook that wants new comments.
 */
async function fanOutInOneStatement(run: JobRun, p: JobPayload<'notify_new_comment'>): Promise<boolean> {
  const { ctx } = run;
  if (await siteAnnounces(ctx, p.siteId, 'comment.created')) return false;
  const [row] = await ctx.prisma.$queryRawUnsafe<{ simple: boolean; owned: boolean }[]>(
    `WITH c AS (
       SELECT "id", "siteId", "status" NOT IN ('deleted', 'spam') AS "held" FROM "Comment" WHERE "id" = $1::uuid),
     flood AS (
       SELECT $5::int > 0 AND (SELECT count(*) FROM (
         SELECT 1 FROM "Comment" WHERE "siteId" = $2 AND "status" = 'pending'
           AND "createdAt" > timezone('UTC', now()) - $6 * interval '1 minute' LIMIT $5::int + 1) AS recent) > $5::int AS "on"),
     mods AS (
       SELECT sm."moderatorId", (sm."notifyMode" = 'digest' OR (SELECT "on" FROM flood)) AS "digest"
       FROM "SiteModerator" sm JOIN "Moderator" m ON m."id" = sm."moderatorId"
       WHERE sm."siteId" = $2 AND m."revokedAt" IS NULL),
     simple AS (
       SELECT NOT EXISTS (
         SELECT 1 FROM mods WHERE mods."digest" AND NOT EXISTS (
           SELECT 1 FROM "Job" j WHERE j."kind" = 'send_moderator_digest' AND j."status" IN ('queued', 'retrying')
             AND j."payload"->>'siteId' = $2 AND j."payload"->>'moderatorId' = mods."moderatorId"::text)) AS ok),
     done AS (
       UPDATE "Job" SET "status" = 'sent', "finishedAt" = timezone('UTC', now()), "lockedAt" = NULL, "lockedBy" = NULL
       WHERE "id" = $3::bigint AND "status" = 'running' AND "lockedBy" = $4 AND (SELECT ok FROM simple)
       RETURNING 1),
     jobs AS (
       INSERT INTO "Job" ("kind", "payload", "maxAttempts", "runAt", "createdAt")
       SELECT 'send_moderator_email', jsonb_build_object('siteId', c."siteId", 'commentId', c."id"::text, 'moderatorId', mods."moderatorId"::text),
         $7::int, timezone('UTC', now()), timezone('UTC', now())
       FROM c, mods WHERE c."held" AND NOT mods."digest" AND EXISTS (SELECT 1 FROM done)
       ORDER BY mods."moderatorId")
     SELECT (SELECT ok FROM simple) AS simple, EXISTS (SELECT 1 FROM done) AS owned`,
    p.commentId, p.siteId, run.job.id, run.workerId, ctx.config.notifyFloodThreshold, FLOOD_WINDOW_MINUTES,
    jobKinds.send_moderator_email.maxAttempts,
  );
  if (!row?.simple) return false;
  // Another worker took this job over meanwhile: nothing was written; its new owner does the fan-out.
  if (!row.owned) throw new LeaseLostError(run.job.id);
  return true;
}

/**
 * fanOutInOneStatement for a whole batch of notify_new_comment jobs (the worker claims them by the dozen in a
 * wave of comments): one statement marks every job of a "simple" site sent and writes its moderator email jobs.
 * Returns the jobs it did: `done`, `lost` (another worker took them over; nothing written), and `rest`, the jobs
 * for the general path (a site with a webhook for new comments, or a digest to schedule), left untouched.
 */
export async function fanOutBatch(
  ctx: AppContext,
  workerId: string,
  jobs: ReadonlyArray<{ job: ClaimedJob; payload: JobPayload<'notify_new_comment'> }>,
): Promise<{ done: ClaimedJob[]; lost: ClaimedJob[]; rest: ClaimedJob[] }> {
  const out = { done: [] as ClaimedJob[], lost: [] as ClaimedJob[], rest: [] as ClaimedJob[] };
  const announcing = new Set<string>();
  for (const siteId of new Set(jobs.map((j) => j.payload.siteId))) {
    if (await siteAnnounces(ctx, siteId, 'comment.created')) announcing.add(siteId);
  }
  const batch = jobs.filter((j) => !announcing.has(j.payload.siteId));
  out.rest.push(...jobs.filter((j) => announcing.has(j.payload.siteId)).map((j) => j.job));
  if (batch.length === 0) return out;
  const { rows } = await ctx.pool.query<{ id: string; simple: boolean; owned: boolean }>(
    prepared(ctx, FAN_OUT_BATCH_SQL, [
      batch.map((j) => j.job.id), batch.map((j) => j.payload.commentId), batch.map((j) => j.payload.siteId), workerId,
      ctx.config.notifyFloodThreshold, FLOOD_WINDOW_MINUTES, jobKinds.send_moderator_email.maxAttempts,
    ]),
  );
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  for (const { job } of batch) {
    const r = byId.get(job.id);
    if (!r?.simple) out.rest.push(job);
    else (r.owned ? out.done : out.lost).push(job);
  }
  return out;
}

const FAN_OUT_BATCH_SQL = `WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS t(job_id, comment_id, site_id)),
  sites AS (SELECT DISTINCT site_id FROM input),
  flood AS (
    SELECT s.site_id, $5::int > 0 AND (SELECT count(*) FROM (
      SELECT 1 FROM "Comment" WHERE "siteId" = s.site_id AND "status" = 'pending'
        AND "createdAt" > timezone('UTC', now()) - $6 * interval '1 minute' LIMIT $5::int + 1) AS recent) > $5::int AS "on"
    FROM sites s),
  mods AS (
    SELECT sm."siteId" AS site_id, sm."moderatorId", (sm."notifyMode" = 'digest' OR f."on") AS "digest"
    FROM "SiteModerator" sm JOIN "Moderator" m ON m."id" = sm."moderatorId" JOIN flood f ON f.site_id = sm."siteId"
    WHERE m."revokedAt" IS NULL),
  simple AS (
    SELECT s.site_id FROM sites s WHERE NOT EXISTS (
      SELECT 1 FROM mods WHERE mods.site_id = s.site_id AND mods."digest" AND NOT EXISTS (
        SELECT 1 FROM "Job" j WHERE j."kind" = 'send_moderator_digest' AND j."status" IN ('queued', 'retrying')
          AND j."payload"->>'siteId' = s.site_id AND j."payload"->>'moderatorId' = mods."moderatorId"::text))),
  done AS (
    UPDATE "Job" SET "status" = 'sent', "finishedAt" = timezone('UTC', now()), "lockedAt" = NULL, "lockedBy" = NULL
    FROM input i
    WHERE "Job"."id" = i.job_id AND "Job"."status" = 'running' AND "Job"."lockedBy" = $4
      AND i.site_id IN (SELECT site_id FROM simple)
    RETURNING i.job_id, i.comment_id, i.site_id),
  held AS (
    SELECT done.job_id, done.site_id, c."id", c."siteId" FROM done JOIN "Comment" c ON c."id" = done.comment_id
    WHERE c."status" NOT IN ('deleted', 'spam')),
  jobs AS (
    INSERT INTO "Job" ("kind", "payload", "maxAttempts", "runAt", "createdAt")
    SELECT 'send_moderator_email', jsonb_build_object('siteId', held."siteId", 'commentId', held."id"::text, 'moderatorId', mods."moderatorId"::text),
      $7::int, timezone('UTC', now()), timezone('UTC', now())
    FROM held JOIN mods ON mods.site_id = held.site_id AND NOT mods."digest"
    ORDER BY held.job_id, mods."moderatorId")
  SELECT i.job_id AS "id", i.site_id IN (SELECT site_id FROM simple) AS "simple",
    EXISTS (SELECT 1 FROM done WHERE done.job_id = i.job_id) AS "owned"
  FROM input i`;

/** How long a flood (FLOOD_WINDOW_MINUTES of held comments above the threshold) lasts, and how often its digest goes out. */
export const FLOOD_WINDOW_MINUTES = 10;
export const FLOOD_DIGEST_MINUTES = 15;

/** A digest moderator's own interval; a moderator who gets each comment gets flood digests this often. */
function digestInterval(sm: { notifyMode: string; digestMinutes: number }): number {
  return sm.notifyMode === 'digest' ? sm.digestMinutes : FLOOD_DIGEST_MINUTES;
}

/** More than `threshold` comments of the site held in the last FLOOD_WINDOW_MINUTES (index siteId, status, createdAt). */
async function isFlooded(tx: Tx, siteId: string, threshold: number): Promise<boolean> {
  if (threshold <= 0) return false;
  const [row] = await tx.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM "Comment" WHERE "siteId" = $1 AND "status" = 'pending'
         AND "createdAt" > timezone('UTC', now()) - $2 * interval '1 minute'
       LIMIT $3) AS recent`,
    siteId, FLOOD_WINDOW_MINUTES, threshold + 1,
  );
  return Number(row?.n ?? 0) > threshold;
}

/**
 * Makes sure one digest job is waiting for this moderator, due when their interval allows.
 * The SiteModerator row lock serialises concurrent fan-outs, so they never queue two.
 */
async function scheduleDigest(tx: Tx, siteId: string, moderatorId: string, digestMinutes: number): Promise<void> {
  const [row] = await tx.$queryRawUnsafe<{ wait_ms: number | null }[]>(
    `SELECT GREATEST(0, EXTRACT(EPOCH FROM ("lastDigestAt" + $3 * interval '1 minute' - timezone('UTC', now()))) * 1000)::float8 AS wait_ms
     FROM "SiteModerator" WHERE "siteId" = $1 AND "moderatorId" = $2::uuid FOR UPDATE`,
    siteId, moderatorId, digestMinutes,
  );
  if (!row) return;
  const waiting = await tx.$queryRawUnsafe<{ id: unknown }[]>(
    `SELECT "id" FROM "Job" WHERE "kind" = 'send_moderator_digest' AND "status" IN ('queued', 'retrying')
       AND "payload"->>'siteId' = $1 AND "payload"->>'moderatorId' = $2 LIMIT 1`,
    siteId, moderatorId,
  );
  if (waiting.length) return;
  await enqueueJob(tx, 'send_moderator_digest', { siteId, moderatorId }, { delayMs: row.wait_ms ?? 0 });
}

async function sendModeratorEmail(run: JobRun): Promise<JobOutcome> {
  const p = payloadOf('send_moderator_email', run.job);
  const [mail] = await loadModeratorEmails(run.ctx, [{ job: run.job, payload: p }]);
  if (mail) await run.transport.send(mail);
  return DONE;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The payload of a job the batch paths can take (valid, with ids the database's uuid columns accept), or null. */
export function batchablePayload<K extends 'notify_new_comment' | 'send_moderator_email'>(kind: K, job: ClaimedJob): JobPayload<K> | null {
  if (job.kind !== kind) return null;
  const parsed = jobKinds[kind].payload.safeParse(job.payload);
  if (!parsed.success) return null;
  const p = parsed.data as JobPayload<'send_moderator_email'>;
  if (!UUID.test(p.commentId) || (kind === 'send_moderator_email' && !UUID.test(p.moderatorId))) return null;
  return parsed.data as JobPayload<K>;
}

type ModeratorEmailRow = {
  jobId: string; id: string | null; siteId: string; parentId: string | null; name: string; email: string; website: string | null;
  body: string; reasons: string[]; status: string; createdAt: Date; pageKey: string; pageUrl: string | null; pageTitle: string | null;
  siteName: string; moderatorId: string | null; moderatorName: string; moderatorEmail: string;
};

/**
 * The moderator emails of several jobs, read in one statement and rendered: for each job in order, the message
 * to send, or null when there is nothing to send (moderator revoked or gone, comment gone or already moderated).
 */
export async function loadModeratorEmails(
  ctx: AppContext,
  jobs: ReadonlyArray<{ job: ClaimedJob; payload: JobPayload<'send_moderator_email'> }>,
): Promise<Array<OutgoingMail | null>> {
  if (jobs.length === 0) return [];
  const { rows } = await ctx.pool.query<ModeratorEmailRow>(
    prepared(ctx, MODERATOR_EMAIL_SQL, [
      jobs.map((j) => j.job.id), jobs.map((j) => j.payload.commentId), jobs.map((j) => j.payload.siteId), jobs.map((j) => j.payload.moderatorId),
    ]),
  );
  const byJob = new Map(rows.map((r) => [String(r.jobId), r]));
  const queueUrls = new Map<string, string>();
  return jobs.map(({ job }) => {
    const row = byJob.get(job.id);
    if (!row?.id || !row.moderatorId || row.status === 'deleted') {
      ctx.log.info({ jobId: job.id }, 'moderator email skipped: moderator or comment gone');
      return null;
    }
    // Only held comments are announced, and the queue may run late (a backlog, retries, a digest): once a
    // moderator has decided (approved, rejected, spam), nothing is left to do and no link would still apply.
    if (row.status !== 'pending') {
      ctx.log.info({ jobId: job.id, status: row.status }, 'moderator email skipped: the comment was already moderated');
      return null;
    }
    let moderationUrl = queueUrls.get(row.siteId);
    if (!moderationUrl) queueUrls.set(row.siteId, (moderationUrl = moderationQueueUrl(ctx, row.siteId)));
    const links = moderationLinks(ctx, row.id, row.moderatorId);
    const email = renderModeratorEmail({
      site: { id: row.siteId, name: row.siteName }, moderatorName: row.moderatorName, links, moderationUrl,
      comment: {
        id: row.id, name: row.name, email: row.email, website: row.website, body: row.body, reasons: row.reasons,
        status: row.status, createdAt: row.createdAt, isReply: row.parentId !== null,
        pageTitle: row.pageTitle, pageUrl: row.pageUrl, pageKey: row.pageKey,
      },
    });
    return mailTo(ctx, job, { name: row.moderatorName, email: row.moderatorEmail }, email, { links: { ...links } });
  });
}

const MODERATOR_EMAIL_SQL = `SELECT i.job_id AS "jobId", c."id"::text AS "id", c."siteId", c."parentId"::text AS "parentId", c."name", c."email",
    c."website", c."body", c."reasons", c."status"::text AS "status", c."createdAt", p."key" AS "pageKey", p."url" AS "pageUrl",
    p."title" AS "pageTitle", s."name" AS "siteName", m."id"::text AS "moderatorId", m."name" AS "moderatorName", m."email" AS "moderatorEmail"
  FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::uuid[]) AS i(job_id, comment_id, site_id, moderator_id)
  LEFT JOIN "Comment" c ON c."id" = i.comment_id
  LEFT JOIN "Page" p ON p."id" = c."pageId"
  LEFT JOIN "Site" s ON s."id" = c."siteId"
  LEFT JOIN "SiteModerator" sm ON sm."siteId" = i.site_id AND sm."moderatorId" = i.moderator_id
  LEFT JOIN "Moderator" m ON m."id" = sm."moderatorId" AND m."revokedAt" IS NULL`;

async function sendModeratorDigest(run: JobRun): Promise<JobOutcome> {
  const { ctx, job } = run;
  const p = payloadOf('send_moderator_digest', job);
  const sm = await activeSiteModerator(ctx.prisma, p.siteId, p.moderatorId);
  if (!sm) return DONE;
  // Reserve the slot before sending, so two digest jobs can never both go out within one interval.
  const [slot] = await ctx.prisma.$queryRawUnsafe<{ reserved: boolean; previous: Date | null; wait_ms: number }[]>(
    `WITH cur AS (
       SELECT "lastDigestAt" AS previous FROM "SiteModerator" WHERE "siteId" = $1 AND "moderatorId" = $2::uuid FOR UPDATE),
     upd AS (
       UPDATE "SiteModerator" SET "lastDigestAt" = timezone('UTC', now())
       WHERE "siteId" = $1 AND "moderatorId" = $2::uuid
         AND ("lastDigestAt" IS NULL OR "lastDigestAt" + $3 * interval '1 minute' <= timezone('UTC', now()))
       RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM upd) AS reserved, cur.previous,
       GREATEST(0, EXTRACT(EPOCH FROM (cur.previous + $3 * interval '1 minute' - timezone('UTC', now()))) * 1000)::float8 AS wait_ms
     FROM cur`,
    p.siteId, p.moderatorId, digestInterval(sm),
  );
  if (!slot) return DONE;
  if (!slot.reserved) {
    // Not due yet: wait for the next slot, unless another digest job already will. Under the SiteModerator row
    // lock that scheduleDigest takes, so a fan-out either finds this job waiting again or has queued its own
    // first (which then is the one that waits). A later digest job still running covers this one too: it reads,
    // or waits for, every comment this one was waited on for.
    return ctx.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(
        `SELECT 1 FROM "SiteModerator" WHERE "siteId" = $1 AND "moderatorId" = $2::uuid FOR UPDATE`, p.siteId, p.moderatorId,
      );
      const [other] = await tx.$queryRawUnsafe<unknown[]>(
        `SELECT 1 FROM "Job" WHERE "kind" = 'send_moderator_digest'
           AND ("status" IN ('queued', 'retrying') OR ("status" = 'running' AND "id" > $3::bigint))
           AND "payload"->>'siteId' = $1 AND "payload"->>'moderatorId' = $2 AND "id" <> $3::bigint LIMIT 1`,
        p.siteId, p.moderatorId, job.id,
      );
      if (other) return DONE;
      await releaseJob(tx, job, run.workerId, { delayMs: Math.max(1000, Number(slot.wait_ms)), note: 'digest not due yet', status: 'queued' });
      return { type: 'completed' } as const;
    });
  }
  try {
    const where = { siteId: p.siteId, status: 'pending' as const };
    const [rows, total, spamDays] = await Promise.all([
      ctx.prisma.comment.findMany({ where, select: HELD_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: DIGEST_LIST_LIMIT }),
      ctx.prisma.comment.count({ where }),
      spamDaily(ctx, p.siteId, DIGEST_SPAM_DAYS),
    ]);
    if (total === 0) {
      await restoreDigestSlot(ctx, p.siteId, p.moderatorId, slot.previous);
      return DONE;
    }
    const items = rows.map((row) => ({ comment: toHeld(row), links: moderationLinks(ctx, row.id, sm.moderator.id) }));
    const email = renderDigestEmail({
      site: rows[0].site, moderatorName: sm.moderator.name, comments: items, totalPending: total,
      moderationUrl: moderationQueueUrl(ctx, p.siteId), spamDays,
    });
    const links: Record<string, string> = {};
    items.forEach((it, i) => {
      links[`${i + 1}.approve`] = it.links.approve;
      links[`${i + 1}.reject`] = it.links.reject;
      links[`${i + 1}.spam`] = it.links.spam;
    });
    await run.transport.send(mailTo(ctx, job, sm.moderator, email, { links }));
    return DONE;
  } catch (err) {
    // Not sent: give the slot back so the retry is not held back a whole interval.
    await restoreDigestSlot(ctx, p.siteId, p.moderatorId, slot.previous).catch(() => {});
    throw err;
  }
}

async function restoreDigestSlot(ctx: AppContext, siteId: string, moderatorId: string, previous: Date | null) {
  await ctx.prisma.siteModerator.update({
    where: { siteId_moderatorId: { siteId, moderatorId } },
    data: { lastDigestAt: previous },
  });
}

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

async function sendReplyNotification(run: JobRun): Promise<JobOutcome> {
  const { ctx, job } = run;
  const p = payloadOf('send_reply_notification', job);
  const [reply, parent] = await Promise.all([
    ctx.prisma.comment.findUnique({ where: { id: p.commentId }, select: HELD_SELECT }),
    ctx.prisma.comment.findUnique({
      where: { id: p.parentId },
      select: { id: true, name: true, email: true, body: true, status: true, notifyReplies: true },
    }),
  ]);
  // Checked again at send time: the reply may have been un-approved, or the parent's author unsubscribed.
  if (!reply || !parent || reply.status !== 'approved' || !parent.notifyReplies || parent.status !== 'approved' || sameAddress(reply.email, parent.email)) {
    return DONE;
  }
  const unsub = unsubscribeUrl(ctx, parent.id);
  const email = renderReplyEmail({
    siteName: reply.site.name, recipientName: parent.name, replierName: reply.name, replyBody: reply.body,
    parentBody: parent.body, pageTitle: reply.page.title?.trim() || reply.page.key,
    replyUrl: commentPermalink(reply.page.url, reply.id), unsubscribeUrl: unsub, manageUrl: manageSubscriptionsUrl(ctx, parent.id),
  });
  await run.transport.send(mailTo(ctx, job, parent, email, { unsubscribe: unsub }));
  return DONE;
}

async function sendApprovedNotification(run: JobRun): Promise<JobOutcome> {
  const { ctx, job } = run;
  const p = payloadOf('send_approved_notification', job);
  const c = await ctx.prisma.comment.findUnique({
    where: { id: p.commentId },
    select: { ...HELD_SELECT, notifyReplies: true },
  });
  if (c && c.status !== 'approved') {
    // Un-approved before this job ran: nothing to say now, but let a later approval enqueue the email again
    // (the dedupe key would otherwise keep it out for good).
    await ctx.prisma.job.update({ where: { id: BigInt(job.id) }, data: { dedupeKey: null } });
    return DONE;
  }
  if (!c || !c.notifyReplies) return DONE;
  const unsub = unsubscribeUrl(ctx, c.id);
  const email = renderApprovedEmail({
    siteName: c.site.name, authorName: c.name, body: c.body, pageTitle: c.page.title?.trim() || c.page.key,
    commentUrl: commentPermalink(c.page.url, c.id), unsubscribeUrl: unsub, verifyEmailUrl: verifyEmailUrl(ctx, c.id),
  });
  await run.transport.send(mailTo(ctx, job, c, email, { unsubscribe: unsub }));
  return DONE;
}

function mailTo(
  ctx: AppContext,
  job: ClaimedJob,
  to: { name: string; email: string },
  email: { subject: string; text: string; html: string },
  extra: { links?: Record<string, string>; unsubscribe?: string },
): OutgoingMail {
  const headers: Record<string, string> = { 'X-Parley-Job': job.id };
  if (extra.unsubscribe) {
    // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to this URL.
    headers['List-Unsubscribe'] = `<${extra.unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    to: { name: to.name, address: to.email },
    ...email,
    messageId: jobMessageId(ctx, job.id),
    headers,
    links: extra.links ?? (extra.unsubscribe ? { unsubscribe: extra.unsubscribe } : undefined),
  };
}

export const jobHandlers: Record<JobKind, (run: JobRun) => Promise<JobOutcome>> = {
  notify_new_comment: notifyNewComment,
  send_moderator_email: sendModeratorEmail,
  send_moderator_digest: sendModeratorDigest,
  send_reply_notification: sendReplyNotification,
  send_approved_notification: sendApprovedNotification,
  // Through closures, like send_sign_in_link: these modules import this one too.
  deliver_webhook: (run) => deliverWebhookJob(run),
  announce_comment: (run) => announceCommentJob(run),
  send_privacy_link: (run) => privacyJobs.sendPrivacyLink(run),
  send_privacy_export: (run) => privacyJobs.sendPrivacyExport(run),
  send_privacy_erased: (run) => privacyJobs.sendPrivacyErased(run),
  retention_sweep: (run) => runRetentionJob(run),
  // Called through a closure: authSignInJob imports this module too, and may be the one loaded first.
  send_sign_in_link: (run) => sendSignInLink(run),
};
