import type { JobOutcome, JobRun } from '../notifications/jobHandlers';
import { PermanentJobError } from '../notifications/jobHandlers';
import { jobKinds } from '../notifications/jobKinds';
import { markJobSent } from '../notifications/queue';
import { scrubEmails } from '../notifications/scrub';
import { enqueueWebhookEvent } from './enqueueWebhookEvent';
import { sendWebhook } from './sendWebhook';
import { decryptWebhookSecret } from './webhookSecret';

/** A delivery is retried (with the queue's backoff) for this long after its event, then given up. */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 3600_000;

/**
 * The deliver_webhook job: one attempt. Each attempt is written to the delivery log; a failure throws so
 * the queue retries it later with backoff (plain errors: no SMTP-style codes, which the worker would
 * read as a mail outage).
 */
export async function deliverWebhookJob(run: JobRun): Promise<JobOutcome> {
  const { ctx, job } = run;
  const parsed = jobKinds.deliver_webhook.payload.safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobError('invalid payload for deliver_webhook');
  const d = await ctx.prisma.webhookDelivery.findUnique({
    where: { id: parsed.data.deliveryId },
    include: { webhook: { select: { url: true, secretEnc: true } } },
  });
  // The webhook was removed (its deliveries with it), or this one already arrived.
  if (!d || d.status === 'delivered') return { type: 'done' };
  const now = ctx.now();
  if (now.getTime() - d.createdAt.getTime() > WEBHOOK_RETRY_WINDOW_MS) {
    await ctx.prisma.webhookDelivery.update({ where: { id: d.id }, data: { status: 'failed' } });
    throw new PermanentJobError('gave up: not delivered within 24 hours');
  }
  let secret: string;
  try {
    secret = decryptWebhookSecret(ctx.secretKey, d.webhook.secretEnc);
  } catch {
    await ctx.prisma.webhookDelivery.update({ where: { id: d.id }, data: { status: 'failed', lastError: 'the signing secret cannot be read (SECRET_KEY changed?)' } });
    throw new PermanentJobError('webhook secret unreadable');
  }
  const result = await sendWebhook({
    url: d.webhook.url, secret, event: d.event, deliveryId: d.id, body: d.body,
    allowPrivate: ctx.config.webhookAllowPrivate, now,
  });
  const lastAttempt = job.attempts >= job.maxAttempts;
  await ctx.prisma.webhookDelivery.update({
    where: { id: d.id },
    data: {
      attempts: { increment: 1 },
      lastAttemptAt: now,
      responseStatus: result.status,
      lastError: result.ok ? null : scrubEmails(result.error).slice(0, 500),
      status: result.ok ? 'delivered' : lastAttempt ? 'failed' : 'pending',
      deliveredAt: result.ok ? now : null,
    },
  });
  if (!result.ok) throw new Error(`webhook delivery failed: ${result.error}`);
  return { type: 'done' };
}

/** announce_comment: the deliveries of comment.created for a comment published on submission, with the job's completion. */
export async function announceCommentJob(run: JobRun): Promise<JobOutcome> {
  const parsed = jobKinds.announce_comment.payload.safeParse(run.job.payload);
  if (!parsed.success) throw new PermanentJobError('invalid payload for announce_comment');
  await run.ctx.prisma.$transaction(async (tx) => {
    await enqueueWebhookEvent(tx, { siteId: parsed.data.siteId, commentId: parsed.data.commentId, type: 'comment.created', now: run.ctx.now() });
    await markJobSent(tx, run.job, run.workerId, { throwIfLost: true });
  });
  return { type: 'completed' };
}
