import type { AppContext } from '../context';
import { AppError, errors } from '../http/AppError';
import { assertSiteAdmin, type AuthenticatedModerator } from '../http/moderatorAuth';
import { listJobs, retryDeadJobs, type JobView } from './queue';

/**
 * An admin gives a dead job of their site a fresh set of attempts (the console's "Retry" on the
 * notification queue). A job of a site they do not moderate, or of no site, is "not found" to them;
 * a moderator of the site who is not an admin gets 403; a job that is not dead gets 409.
 */
export async function retryDeadJobOfSite(ctx: AppContext, moderator: AuthenticatedModerator, jobId: string): Promise<JobView> {
  const job = await ctx.prisma.job.findUnique({ where: { id: BigInt(jobId) }, select: { status: true, payload: true } });
  const siteId = (job?.payload as { siteId?: unknown } | null)?.siteId;
  if (!job || typeof siteId !== 'string' || !moderator.siteIds.includes(siteId)) throw errors.notFound('Job');
  assertSiteAdmin(moderator, siteId);
  if (job.status !== 'dead') throw new AppError('conflict', `Only a dead job can be retried; this one is ${job.status}.`);
  // retryDeadJobs only touches a row that is still dead, so a double click retries once.
  await retryDeadJobs(ctx, { id: jobId });
  const [view] = await listJobs(ctx, { beforeId: String(BigInt(jobId) + 1n), limit: 1, siteIds: [siteId] });
  return view;
}
