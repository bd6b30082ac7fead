import type { AppContext } from '../context';
import { JOB_STATUSES, jobCounts, listJobs, retryDeadJobs, type JobStatusName } from '../notifications/queue';

const USAGE = `Usage:
  parley jobs counts                      jobs per status (queued, running, retrying, sent, dead)
  parley jobs list [--status=dead] [--limit=50]
                                          newest first, with attempts and last error
  parley jobs retry <id>|--all-dead       give dead jobs a fresh set of attempts`;

function flag(args: string[], name: string): string | undefined {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

/** `parley jobs ...`: the notification outbox as an operator sees it. Job rows hold ids, never addresses. */
export async function jobsCommand(ctx: AppContext, args: string[]): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const [sub = 'counts', ...rest] = args;
  if (sub === 'counts') {
    const counts = await jobCounts(ctx);
    for (const s of JOB_STATUSES) out(`${s.padEnd(9)} ${counts[s]}`);
    return;
  }
  if (sub === 'list') {
    const status = flag(rest, 'status');
    if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
      throw new Error(`Unknown status "${status}". Use one of: ${JOB_STATUSES.join(', ')}.`);
    }
    const limit = Number(flag(rest, 'limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error('--limit must be a whole number from 1 to 500.');
    const jobs = await listJobs(ctx, { status: status as JobStatusName | undefined, limit });
    if (!jobs.length) {
      out('No jobs.');
      return;
    }
    out(['id', 'kind', 'status', 'attempts', 'site', 'next run / finished', 'last error'].join('\t'));
    for (const j of jobs) {
      const when = j.finishedAt ?? j.runAt;
      out([j.id, j.kind, j.status, `${j.attempts}/${j.maxAttempts}`, j.siteId ?? '-', when.toISOString(), j.lastError ?? ''].join('\t'));
    }
    return;
  }
  if (sub === 'retry') {
    const target = rest[0];
    if (target === '--all-dead') {
      out(`Requeued ${await retryDeadJobs(ctx)} dead job(s).`);
      return;
    }
    if (!target || !/^\d{1,19}$/.test(target)) throw new Error(`Give a job id or --all-dead.\n${USAGE}`);
    const n = await retryDeadJobs(ctx, { id: target });
    out(n ? `Requeued job ${target}.` : `Job ${target} is not dead (or does not exist); nothing changed.`);
    return;
  }
  if (sub === 'help' || sub === '--help') {
    out(USAGE);
    return;
  }
  throw new Error(`Unknown jobs command "${sub}".\n${USAGE}`);
}
