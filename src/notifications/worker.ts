import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { AppContext } from '../context';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { JOB_KIND_NAMES, NON_MAIL_JOB_KINDS, PERMANENT_FAILURE_MAX_ATTEMPTS, isJobKind, jobKinds } from './jobKinds';
import { jobHandlers, PermanentJobError } from './jobHandlers';
import { createMailTransport, type MailTransport } from './mailTransport';
import { claimJobs, LeaseLostError, markJobFailed, markJobSent, purgeFinishedJobs, reclaimExpiredJobs, releaseJob, type ClaimedJob } from './queue';
import { describeError } from './scrub';

export interface WorkerOptions {
  /** Defaults to a transport built from ctx.config (SMTP, or .eml files). */
  transport?: MailTransport;
  /** Idle wait between polls when nothing is due (default config.workerPollMs). */
  pollMs?: number;
  /** A job whose worker has not finished it after this long is given to another worker (default 5 min). */
  leaseMs?: number;
  /** Retry delays of failed jobs. */
  backoff?: BackoffOptions;
  /** While the mail server is unreachable: first and longest wait between reachability checks. */
  outageRetryMs?: { initial: number; max: number };
  /** How long stop() waits for in-flight jobs (default 30 s). */
  stopTimeoutMs?: number;
  /** Jobs run at once by this worker (default 4: a job mostly waits on the database or the mail server). */
  concurrency?: number;
  /** Name written to Job.lockedBy. */
  workerId?: string;
  /** Sent jobs older than this are deleted (default 14 days; 0 keeps them). */
  keepSentMs?: number;
  /** Jobs claimed at once by each loop (default 10); those not yet started go back to the queue on stop. */
  batchSize?: number;
}

export interface Worker {
  readonly id: string;
  stop(): Promise<void>;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'EAUTH', 'ENOAUTH']);

type Failure = 'permanent' | 'rejected_permanent' | 'rejected_temporary' | 'unreachable' | 'other';

function classify(err: unknown): Failure {
  if (err instanceof PermanentJobError) return 'permanent';
  const e = err as { code?: string; responseCode?: number };
  if (typeof e?.responseCode === 'number' && e.responseCode >= 500) return 'rejected_permanent';
  if (typeof e?.responseCode === 'number' && e.responseCode >= 400) return 'rejected_temporary';
  if (e?.code && CONNECTION_CODES.has(e.code)) return 'unreachable';
  return 'other';
}

const sleep = (ms: number, signal: { wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.wake = undefined;
      resolve();
    }
    signal.wake = done;
  });

/**
 * Runs queued jobs until stop(). Each loop claims one job at a time; when the mail server is
 * unreachable the worker pauses sending (jobs keep their attempts, since the outage is not their
 * fault) and checks the server with growing waits, while fan-out jobs keep running.
 */
export function startWorker(ctx: AppContext, opts: WorkerOptions = {}): Worker {
  const id = opts.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const ownTransport = !opts.transport;
  const transport = opts.transport ?? createMailTransport(ctx.config, ctx.log);
  const pollMs = opts.pollMs ?? ctx.config.workerPollMs;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const outage = opts.outageRetryMs ?? { initial: 500, max: 5000 };
  const stopTimeoutMs = opts.stopTimeoutMs ?? 30_000;
  const keepSentMs = opts.keepSentMs ?? 14 * 24 * 3600_000;
  const batchSize = Math.max(1, opts.batchSize ?? 10);
  const log = ctx.log.child({ worker: id });

  let stopping = false;
  /** While set, mail jobs are not claimed until this time (ms since epoch). */
  let mailPausedUntil = 0;
  let outageDelay = 0;
  let checkingServer: Promise<void> | null = null;
  let lastHousekeeping = 0;
  const sleepers: Array<{ wake?: () => void }> = [];

  async function housekeeping() {
    if (Date.now() - lastHousekeeping < Math.min(leaseMs / 2, 30_000)) return;
    lastHousekeeping = Date.now();
    const reclaimed = await reclaimExpiredJobs(ctx.prisma, leaseMs);
    if (reclaimed) log.warn({ reclaimed }, 'jobs of a stopped worker returned to the queue');
    if (keepSentMs > 0) await purgeFinishedJobs(ctx.prisma, keepSentMs);
  }

  /** Waits out an outage with growing pauses, checking reachability without sending anything. */
  function enterOutage() {
    if (checkingServer) return;
    outageDelay = outageDelay ? Math.min(outage.max, outageDelay * 2) : outage.initial;
    mailPausedUntil = Date.now() + outageDelay;
    log.warn({ retryInMs: outageDelay }, 'mail server unreachable; sending paused');
    const signal = {};
    checkingServer = (async () => {
      while (!stopping) {
        await sleep(Math.max(0, mailPausedUntil - Date.now()), signal);
        if (stopping) break;
        if (await transport.verify()) {
          log.info('mail server reachable again; sending resumed');
          outageDelay = 0;
          mailPausedUntil = 0;
          break;
        }
        outageDelay = Math.min(outage.max, outageDelay * 2);
        mailPausedUntil = Date.now() + outageDelay;
      }
      checkingServer = null;
      sleepers.splice(sleepers.indexOf(signal), 1);
      for (const s of sleepers) s.wake?.();
    })();
    sleepers.push(signal);
  }

  async function handleFailure(job: ClaimedJob, err: unknown) {
    if (err instanceof LeaseLostError) {
      log.warn({ jobId: job.id }, err.message);
      return;
    }
    const kind = classify(err);
    const error = describeError(err);
    if (kind === 'unreachable' && !(await transport.verify())) {
      await releaseJob(ctx.prisma, job, id, { delayMs: 0, note: `mail server unreachable, waiting for it: ${error}` });
      enterOutage();
      return;
    }
    const limit = kind === 'rejected_permanent' ? Math.min(job.maxAttempts, PERMANENT_FAILURE_MAX_ATTEMPTS) : job.maxAttempts;
    const dead = kind === 'permanent' || job.attempts >= limit;
    const delayMs = dead ? 0 : backoffDelayMs(job.attempts, backoff);
    await markJobFailed(ctx.prisma, job, id, { error, delayMs, dead });
    (dead ? log.error : log.warn).call(log, { jobId: job.id, kind: job.kind, attempts: job.attempts, error, retryInMs: dead ? undefined : delayMs }, dead ? 'job dead' : 'job failed; will retry');
  }

  async function runJob(job: ClaimedJob) {
    try {
      if (!isJobKind(job.kind)) throw new PermanentJobError(`unknown job kind ${job.kind}`);
      const outcome = await jobHandlers[job.kind]({ ctx, transport, job, workerId: id });
      if (outcome.type === 'done') {
        if (!(await markJobSent(ctx.prisma, job, id))) log.warn({ jobId: job.id }, 'job finished after its lease expired');
      } else if (outcome.type === 'defer') {
        await releaseJob(ctx.prisma, job, id, { delayMs: outcome.delayMs, status: 'queued' });
      }
      if (jobKinds[job.kind].sendsMail) outageDelay = 0;
    } catch (err) {
      await handleFailure(job, err).catch((e) => log.error({ jobId: job.id, error: describeError(e) }, 'could not record job failure'));
    }
  }

  async function loop(signal: { wake?: () => void }) {
    while (!stopping) {
      let worked = false;
      try {
        await housekeeping();
        const kinds = Date.now() < mailPausedUntil || checkingServer ? NON_MAIL_JOB_KINDS : JOB_KIND_NAMES;
        // Several due jobs per claim: one claim round trip for a batch instead of one per job.
        const jobs = await claimJobs(ctx.prisma, { workerId: id, kinds, limit: batchSize });
        worked = jobs.length > 0;
        for (const [i, job] of jobs.entries()) {
          const mailPaused = jobKinds[job.kind as keyof typeof jobKinds]?.sendsMail && (Date.now() < mailPausedUntil || checkingServer);
          if (stopping || mailPaused) {
            // Not started: back to the queue at once, its attempt not counted (stopping, or the mail server went away).
            for (const rest of jobs.slice(i)) await releaseJob(ctx.prisma, rest, id, { delayMs: 0, status: 'queued' }).catch(() => {});
            break;
          }
          await runJob(job);
        }
      } catch (err) {
        log.error({ error: describeError(err) }, 'worker loop error');
      }
      if (!worked && !stopping) await sleep(pollMs, signal);
    }
  }

  const loops: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, opts.concurrency ?? 4); i++) {
    const signal = {};
    sleepers.push(signal);
    loops.push(loop(signal));
  }
  log.info({ transport: transport.kind }, 'notification worker started');

  return {
    id,
    async stop() {
      stopping = true;
      for (const s of sleepers) s.wake?.();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.all([...loops, checkingServer]).then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), stopTimeoutMs))),
      ]);
      clearTimeout(timer);
      // A job still running after the timeout keeps its lease and is retried by another worker once it expires.
      if (timedOut) log.warn('worker stopped with a job still in flight');
      if (ownTransport) transport.close();
      log.info('notification worker stopped');
    },
  };
}
