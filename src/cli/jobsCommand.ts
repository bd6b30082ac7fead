import type { AppContext } from '../context';
import { JOB_STATUSES, jobCounts, listJobs, retryDeadJobs, type JobStatusName } from '../notifications/queue';
import { printTable, processIo, usageError, type CliIo } from './cliIo';
import { noMorePositionals, parseCommandArgs } from './parseCommandArgs';

export const JOBS_USAGE = `Usage:
  parley jobs counts                      jobs per status (queued, running, retrying, sent, dead)
  parley jobs list [--status=dead] [--limit=50]
                                          newest first, with attempts and last error
  parley jobs retry <id> | --all-dead     give dead jobs a fresh set of attempts`;

/** `parley jobs ...`: the notification outbox as an operator sees it. Job rows hold ids, never addresses. */
export async function jobsCommand(ctx: AppContext, args: string[], io: CliIo = processIo): Promise<void> {
  const [sub = 'counts', ...rest] = args;
  if (sub === 'counts') {
    noMorePositionals(rest, 0, JOBS_USAGE);
    const counts = await jobCounts(ctx);
    printTable(io, ['status', 'jobs'], JOB_STATUSES.map((s) => [s, String(counts[s])]));
    return;
  }
  if (sub === 'list') {
    const { values, positionals } = parseCommandArgs(rest, { status: { type: 'string' }, limit: { type: 'string' } }, JOBS_USAGE);
    noMorePositionals(positionals, 0, JOBS_USAGE);
    const status = values.status;
    if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
      throw usageError(`Unknown status "${status}". Use one of: ${JOB_STATUSES.join(', ')}.`, JOBS_USAGE);
    }
    const limit = Number(values.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw usageError('--limit must be a whole number from 1 to 500.', JOBS_USAGE);
    const jobs = await listJobs(ctx, { status: status as JobStatusName | undefined, limit });
    if (!jobs.length) {
      io.out('No jobs.');
      return;
    }
    printTable(
      io,
      ['id', 'kind', 'status', 'attempts', 'site', 'next run / finished', 'last error'],
      jobs.map((j) => [
        j.id, j.kind, j.status, `${j.attempts}/${j.maxAttempts}`, j.siteId ?? '-',
        (j.finishedAt ?? j.runAt).toISOString(), j.lastError ?? '',
      ]),
    );
    return;
  }
  if (sub === 'retry') {
    const { values, positionals } = parseCommandArgs(rest, { 'all-dead': { type: 'boolean' } }, JOBS_USAGE);
    if (values['all-dead']) {
      noMorePositionals(positionals, 0, JOBS_USAGE);
      io.out(`Requeued ${await retryDeadJobs(ctx)} dead job(s).`);
      return;
    }
    noMorePositionals(positionals, 1, JOBS_USAGE);
    const id = positionals[0];
    if (!id || !/^\d{1,19}$/.test(id)) throw usageError('Give a job id or --all-dead.', JOBS_USAGE);
    const n = await retryDeadJobs(ctx, { id });
    io.out(n ? `Requeued job ${id}.` : `Job ${id} is not dead (or does not exist); nothing changed.`);
    return;
  }
  if (sub === 'help' || sub === '--help') {
    io.out(JOBS_USAGE);
    return;
  }
  throw usageError(`Unknown jobs command "${sub}".`, JOBS_USAGE);
}
