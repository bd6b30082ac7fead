import type { AppContext, Tx } from '../context';
import { prepared } from '../db/preparedStatement';
import type { PrismaClient } from '../generated/prisma/client';
import { jobKinds, type JobKind, type JobPayload } from './jobKinds';

/**
 * The durable outbox on the Job table. All times are the database's clock (UTC, like Prisma stores
 * them), so several instances with drifting clocks still agree on what is due and what has expired.
 * A job is owned by the worker named in lockedBy while status = 'running'; every state change from
 * there checks ownership, so a worker that lost its lease can never overwrite the new owner's work.
 */

type Db = Tx | PrismaClient;

/** The database's clock in the UTC the TIMESTAMP(3) columns hold: jobs are timed by one clock, not by each instance's. */
export const NOW = `timezone('UTC', now())`;

export const JOB_STATUSES = ['queued', 'running', 'retrying', 'sent', 'dead'] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  /** Including the current one. */
  attempts: number;
  maxAttempts: number;
}

/** A job row ready to insert: the payload validated against its kind, and the kind's retry budget. */
export function prepareJob<K extends JobKind>(kind: K, payload: JobPayload<K>): { kind: K; payload: string; maxAttempts: number } {
  const def = jobKinds[kind];
  return { kind, payload: JSON.stringify(def.payload.parse(payload)), maxAttempts: def.maxAttempts };
}

/**
 * Adds a job inside the caller's transaction. Payloads are validated here, so a bad job never gets stored.
 * With a dedupeKey, a second job with the same key is silently not added (returns null): a unique index
 * decides, so this holds under concurrency and costs one index probe instead of a scan of old jobs.
 */
export async function enqueueJob<K extends JobKind>(
  db: Db,
  kind: K,
  payload: JobPayload<K>,
  opts: { delayMs?: number; dedupeKey?: string } = {},
): Promise<string | null> {
  const job = prepareJob(kind, payload);
  const delay = Math.max(0, Math.round(opts.delayMs ?? 0));
  const rows = await db.$queryRawUnsafe<{ id: bigint | string }[]>(
    `INSERT INTO "Job" ("kind", "payload", "maxAttempts", "runAt", "createdAt", "dedupeKey")
     VALUES ($1, $2::jsonb, $3, ${NOW} + $4 * interval '1 millisecond', ${NOW}, $5)
     ON CONFLICT ("dedupeKey") DO NOTHING
     RETURNING "id"`,
    job.kind,
    job.payload,
    job.maxAttempts,
    delay,
    opts.dedupeKey ?? null,
  );
  return rows.length ? String(rows[0].id) : null;
}

/** Jobs whose worker stopped (crash, SIGKILL, lost network) go back to the queue once their lease is over. */
export async function reclaimExpiredJobs(db: Db, leaseMs: number): Promise<number> {
  return db.$executeRawUnsafe(
    `UPDATE "Job" SET
       "status" = (CASE WHEN "attempts" >= "maxAttempts" THEN 'dead' ELSE 'retrying' END)::"JobStatus",
       "finishedAt" = CASE WHEN "attempts" >= "maxAttempts" THEN ${NOW} ELSE NULL END,
       "lastError" = 'lease expired: the worker stopped before finishing attempt ' || "attempts",
       "runAt" = ${NOW}, "lockedAt" = NULL, "lockedBy" = NULL
     WHERE "status" = 'running' AND "lockedAt" < ${NOW} - $1 * interval '1 millisecond'`,
    Math.round(leaseMs),
  );
}

/**
 * Claims up to `limit` due jobs of the given kinds. SKIP LOCKED lets any number of workers claim
 * concurrently: each row goes to exactly one of them, and nobody waits on another's lock.
 */
export async function claimJobs(
  db: Db,
  opts: { workerId: string; kinds: readonly string[]; limit: number },
): Promise<ClaimedJob[]> {
  if (opts.kinds.length === 0 || opts.limit <= 0) return [];
  return toClaimedJobs(await db.$queryRawUnsafe<ClaimedRow[]>(CLAIM_SQL, opts.workerId, [...opts.kinds], opts.limit));
}

/**
 * claimJobs for the worker's loop: the same statement on the pg pool, prepared once per connection (a claim
 * runs once per batch, and Prisma's raw-query path costs more CPU than the query itself here).
 */
export async function claimJobBatch(
  ctx: Pick<AppContext, 'pool' | 'config'>,
  opts: { workerId: string; kinds: readonly string[]; limit: number },
): Promise<ClaimedJob[]> {
  if (opts.kinds.length === 0 || opts.limit <= 0) return [];
  const { rows } = await ctx.pool.query<ClaimedRow>(prepared(ctx, CLAIM_SQL, [opts.workerId, [...opts.kinds], opts.limit]));
  return toClaimedJobs(rows);
}

type ClaimedRow = { id: bigint | string; kind: string; payload: unknown; attempts: number; maxAttempts: number };

/** Claimed rows as jobs, oldest first (the claim's RETURNING order is not the queue's). */
function toClaimedJobs(rows: ClaimedRow[]): ClaimedJob[] {
  return rows
    .map((r) => ({ ...r, id: String(r.id), payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }))
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

const CLAIM_SQL = `UPDATE "Job" SET "status" = 'running', "attempts" = "attempts" + 1, "lockedAt" = ${NOW}, "lockedBy" = $1
  WHERE "id" IN (
    SELECT "id" FROM "Job"
    WHERE "status" IN ('queued', 'retrying') AND "runAt" <= ${NOW} AND "kind" = ANY($2::text[])
    ORDER BY "runAt", "id"
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
  RETURNING "id", "kind", "payload", "attempts", "maxAttempts"`;

/** markJobSent for many jobs in one statement. Returns the ids this worker still owned (the others were reclaimed). */
export async function markJobsSent(ctx: Pick<AppContext, 'pool' | 'config'>, jobIds: readonly string[], workerId: string): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const { rows } = await ctx.pool.query<{ id: string }>(
    prepared(
      ctx,
      `UPDATE "Job" SET "status" = 'sent', "finishedAt" = ${NOW}, "lockedAt" = NULL, "lockedBy" = NULL
       WHERE "id" = ANY($1::bigint[]) AND "status" = 'running' AND "lockedBy" = $2
       RETURNING "id"`,
      [[...jobIds], workerId],
    ),
  );
  return new Set(rows.map((r) => String(r.id)));
}

export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} is no longer owned by this worker (its lease expired)`);
    this.name = 'LeaseLostError';
  }
}

/** Marks a job done. Inside a transaction, throws LeaseLostError (rolling it back) if we no longer own it. */
export async function markJobSent(db: Db, job: ClaimedJob, workerId: string, opts: { throwIfLost?: boolean } = {}): Promise<boolean> {
  const n = await db.$executeRawUnsafe(
    `UPDATE "Job" SET "status" = 'sent', "finishedAt" = ${NOW}, "lockedAt" = NULL, "lockedBy" = NULL
     WHERE "id" = $1::bigint AND "status" = 'running' AND "lockedBy" = $2`,
    job.id,
    workerId,
  );
  if (n === 0 && opts.throwIfLost) throw new LeaseLostError(job.id);
  return n > 0;
}

/** A failed attempt: retry after delayMs, or dead. `error` must already be scrubbed of addresses. */
export async function markJobFailed(
  db: Db,
  job: ClaimedJob,
  workerId: string,
  opts: { error: string; delayMs: number; dead: boolean },
): Promise<boolean> {
  const n = await db.$executeRawUnsafe(
    `UPDATE "Job" SET
       "status" = $3::"JobStatus", "lastError" = $4,
       "runAt" = ${NOW} + $5 * interval '1 millisecond',
       "finishedAt" = CASE WHEN $6::boolean THEN ${NOW} ELSE NULL END,
       "lockedAt" = NULL, "lockedBy" = NULL
     WHERE "id" = $1::bigint AND "status" = 'running' AND "lockedBy" = $2`,
    job.id,
    workerId,
    opts.dead ? 'dead' : 'retrying',
    opts.error,
    Math.max(0, Math.round(opts.delayMs)),
    opts.dead,
  );
  return n > 0;
}

/**
 * Puts a job back without counting the attempt: it never really ran (the mail server was unreachable,
 * or a digest is not due yet). `note` goes to lastError when given.
 */
export async function releaseJob(
  db: Db,
  job: ClaimedJob,
  workerId: string,
  opts: { delayMs: number; note?: string; status?: 'queued' | 'retrying' },
): Promise<boolean> {
  const n = await db.$executeRawUnsafe(
    `UPDATE "Job" SET
       "status" = $3::"JobStatus", "attempts" = GREATEST("attempts" - 1, 0),
       "lastError" = COALESCE($4, "lastError"),
       "runAt" = ${NOW} + $5 * interval '1 millisecond', "lockedAt" = NULL, "lockedBy" = NULL
     WHERE "id" = $1::bigint AND "status" = 'running' AND "lockedBy" = $2`,
    job.id,
    workerId,
    opts.status ?? 'retrying',
    opts.note ?? null,
    Math.max(0, Math.round(opts.delayMs)),
  );
  return n > 0;
}

/**
 * Finished jobs are history; keep a window of it for the operator, not forever. A job finishes after it is due
 * (runAt <= finishedAt), so the runAt bound selects nothing more and lets the (status, runAt) index find the old
 * rows: on finishedAt alone, every 30 s each worker read every sent job of the last 14 days.
 */
export async function purgeFinishedJobs(db: Db, olderThanMs: number): Promise<number> {
  return db.$executeRawUnsafe(
    `DELETE FROM "Job" WHERE "status" = 'sent' AND "runAt" < ${NOW} - $1 * interval '1 millisecond'
       AND "finishedAt" < ${NOW} - $1 * interval '1 millisecond'`,
    Math.round(olderThanMs),
  );
}

export type JobCounts = Record<JobStatusName, number>;

/** Jobs per status, optionally only those of some sites (a moderator's view). */
export async function jobCounts(ctx: Pick<AppContext, 'prisma'>, opts: { siteIds?: string[] } = {}): Promise<JobCounts> {
  const rows = opts.siteIds
    ? await ctx.prisma.$queryRawUnsafe<{ status: string; n: number }[]>(
        `SELECT "status"::text AS status, count(*)::int AS n FROM "Job" WHERE "payload"->>'siteId' = ANY($1::text[]) GROUP BY "status"`,
        opts.siteIds,
      )
    : await ctx.prisma.$queryRawUnsafe<{ status: string; n: number }[]>(
        `SELECT "status"::text AS status, count(*)::int AS n FROM "Job" GROUP BY "status"`,
      );
  const counts: JobCounts = { queued: 0, running: 0, retrying: 0, sent: 0, dead: 0 };
  for (const r of rows) counts[r.status as JobStatusName] = Number(r.n);
  return counts;
}

export interface JobView {
  id: string;
  kind: string;
  status: JobStatusName;
  siteId: string | null;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lockedAt: Date | null;
  lockedBy: string | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Newest first. Payloads hold ids only, and lastError is scrubbed when written, so this is safe to show. */
export async function listJobs(
  ctx: Pick<AppContext, 'prisma'>,
  opts: { status?: JobStatusName; siteIds?: string[]; limit?: number; beforeId?: string } = {},
): Promise<JobView[]> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const rows = await ctx.prisma.job.findMany({
    where: {
      ...(opts.status ? { status: opts.status } : {}),
      ...(opts.beforeId ? { id: { lt: BigInt(opts.beforeId) } } : {}),
      ...(opts.siteIds ? { OR: opts.siteIds.map((s) => ({ payload: { path: ['siteId'], equals: s } })) } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit,
  });
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind,
    status: r.status as JobStatusName,
    siteId: (r.payload as { siteId?: string } | null)?.siteId ?? null,
    payload: r.payload,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    runAt: r.runAt,
    lockedAt: r.lockedAt,
    lockedBy: r.lockedBy,
    lastError: r.lastError,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  }));
}

/** Operator action: give dead jobs a fresh set of attempts (one id, or all of them). */
export async function retryDeadJobs(ctx: Pick<AppContext, 'prisma'>, opts: { id?: string } = {}): Promise<number> {
  const byId = opts.id !== undefined;
  return ctx.prisma.$executeRawUnsafe(
    `UPDATE "Job" SET "status" = 'retrying', "attempts" = 0, "runAt" = ${NOW}, "finishedAt" = NULL
     WHERE "status" = 'dead' AND ($1::boolean = false OR "id" = $2::bigint)`,
    byId,
    byId ? opts.id : '0',
  );
}
