import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { AppContext } from '../context';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { JOB_KIND_NAMES, NON_MAIL_JOB_KINDS, PERMANENT_FAILURE_MAX_ATTEMPTS, isJobKind, jobKinds } from './jobKinds';
import { batchablePayload, fanOutBatch, jobHandlers, loadModeratorEmails, PermanentJobError } from './jobHandlers';
import type { JobPayload } from './jobKinds';
import { createMailTransport, type MailTransport, type OutgoingMail } from './mailTransport';
import { claimJobBatch, LeaseLostError, markJobFailed, markJobSent, markJobsSent, purgeFinishedJobs, reclaimExpiredJobs, releaseJob, type ClaimedJob } from './queue';
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
  /** Jobs claimed at once by each loop (default 50); those not yet started go back to the queue on stop. */
  batchSize?: number;
}

export interface Worker {
  readonly id: string;
  stop(): Promise<void>;
}

/** Moderator emails of a batch are marked sent this many at a time. */
const SENT_FLUSH_EVERY = 16;

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
 * Runs queued jobs until stop(). Each loop claims a batch of due jobs at a time; when the mail server is
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
  const batchSize = Math.max(1, opts.batchSize ?? 50);
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

  const mailPaused = () => Date.now() < mailPausedUntil || checkingServer !== null;

  /** Jobs not started go back to the queue at once, their attempt not counted. */
  async function giveBack(jobs: ClaimedJob[]) {
    for (const job of jobs) await releaseJob(ctx.prisma, job, id, { delayMs: 0, status: 'queued' }).catch(() => {});
  }

  /**
   * One claimed batch. The two kinds a wave of comments brings run batched: the fan-outs in one statement, the
   * moderator emails read in one statement and marked sent a few at a time; any other job runs on its own.
   * Once stopping, the mail server gone away, or half the lease spent, the jobs not started go back.
   */
  async function runBatch(jobs: ClaimedJob[]) {
    const claimedAt = Date.now();
    const mustStop = (job: ClaimedJob) =>
      stopping || Date.now() - claimedAt > leaseMs / 2 || (jobKinds[job.kind as keyof typeof jobKinds]?.sendsMail && mailPaused());
    let fanouts: Array<{ job: ClaimedJob; payload: JobPayload<'notify_new_comment'> }> = [];
    let emails: Array<{ job: ClaimedJob; payload: JobPayload<'send_moderator_email'> }> = [];
    const single: ClaimedJob[] = [];
    for (const job of jobs) {
      const f = batchablePayload('notify_new_comment', job);
      const e = f ? null : batchablePayload('send_moderator_email', job);
      if (f) fanouts.push({ job, payload: f });
      else if (e) emails.push({ job, payload: e });
      else single.push(job);
    }
    const notStarted = () => [...fanouts.map((f) => f.job), ...emails.map((e) => e.job), ...single];

    // Fan-outs: the batch statement, then one job of each site it left (a digest to schedule, a webhook) through
    // the general path, then the batch again for the rest, which then usually finds its digest waiting.
    for (let round = 0; fanouts.length > 1 && round < 2; round++) {
      if (stopping) return giveBack(notStarted());
      let result: Awaited<ReturnType<typeof fanOutBatch>>;
      try {
        result = await fanOutBatch(ctx, id, fanouts);
      } catch (err) {
        log.warn({ error: describeError(err) }, 'batch fan-out failed; its jobs run one by one');
        break;
      }
      for (const job of result.lost) log.warn({ jobId: job.id }, new LeaseLostError(job.id).message);
      const left = new Set(result.rest);
      const firstOfSite = new Map<string, ClaimedJob>();
      for (const f of fanouts) if (left.has(f.job) && !firstOfSite.has(f.payload.siteId)) firstOfSite.set(f.payload.siteId, f.job);
      const firstJobs = new Set(firstOfSite.values());
      fanouts = fanouts.filter((f) => left.has(f.job) && !firstJobs.has(f.job));
      for (const job of firstOfSite.values()) {
        if (stopping) return giveBack([job, ...notStarted()]);
        await runJob(job);
      }
    }
    single.unshift(...fanouts.map((f) => f.job));
    fanouts = [];

    if (emails.length) {
      if (mustStop(emails[0].job)) return giveBack(notStarted());
      let mails: Array<OutgoingMail | null> = [];
      try {
        mails = await loadModeratorEmails(ctx, emails);
      } catch (err) {
        log.warn({ error: describeError(err) }, 'moderator emails could not be read as a batch; they run one by one');
        single.push(...emails.map((e) => e.job));
        emails = [];
      }
      const done: string[] = [];
      const flush = async () => {
        const ids = done.splice(0);
        if (!ids.length) return;
        try {
          const owned = await markJobsSent(ctx, ids, id);
          for (const jobId of ids) if (!owned.has(jobId)) log.warn({ jobId }, 'job finished after its lease expired');
        } catch (err) {
          // Left running: their lease expires and they are sent again (same Message-ID), never lost.
          log.error({ error: describeError(err) }, 'could not mark sent jobs');
        }
      };
      while (emails.length) {
        const { job } = emails[0];
        if (mustStop(job)) {
          await flush();
          return giveBack(notStarted());
        }
        const mail = mails[mails.length - emails.length];
        emails.shift();
        try {
          if (mail) {
            await transport.send(mail);
            outageDelay = 0;
          }
          done.push(job.id);
          // Marked sent a few at a time: a crash re-sends at most this many (with the same Message-ID).
          if (done.length >= SENT_FLUSH_EVERY) await flush();
        } catch (err) {
          await handleFailure(job, err).catch((e) => log.error({ jobId: job.id, error: describeError(e) }, 'could not record job failure'));
        }
      }
      await flush();
    }

    while (single.length) {
      if (mustStop(single[0])) return giveBack(notStarted());
      await runJob(single.shift()!);
    }
  }

  async function loop(signal: { wake?: () => void }) {
    while (!stopping) {
      let worked = false;
      try {
        await housekeeping();
        const kinds = mailPaused() ? NON_MAIL_JOB_KINDS : JOB_KIND_NAMES;
        // Many due jobs per claim: one claim round trip for a batch instead of one per job.
        const jobs = await claimJobBatch(ctx, { workerId: id, kinds, limit: batchSize });
        worked = jobs.length > 0;
        await runBatch(jobs);
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
