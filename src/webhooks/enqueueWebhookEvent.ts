import { randomUUID } from 'node:crypto';
import { presentPublicComment } from '../comments/presentComment';
import type { AppContext, Tx } from '../context';
import { enqueueJob, prepareJob } from '../notifications/queue';

export const WEBHOOK_EVENTS = ['comment.created', 'comment.approved', 'comment.rejected', 'comment.spam', 'comment.deleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The event a moderation status change announces (a restore to pending announces none). */
export const EVENT_FOR_STATUS: Partial<Record<string, WebhookEvent>> = {
  approved: 'comment.approved',
  rejected: 'comment.rejected',
  spam: 'comment.spam',
  deleted: 'comment.deleted',
};

/**
 * Which webhooks each site has, kept briefly per instance so that writing an event costs nothing on a
 * site without webhooks. Registering or removing one forgets the site here at once; other instances see
 * it within TTL_MS.
 */
const TTL_MS = 5_000;
const hooksBySite = new Map<string, { hooks: { id: string; events: string[] }[]; expires: number }>();

export function forgetSiteWebhooks(siteId: string): void {
  hooksBySite.delete(siteId);
}

/** Whether any webhook of the site wants this event (cached: costs nothing on a site without webhooks). */
export async function siteAnnounces(ctx: Pick<AppContext, 'prisma'>, siteId: string, type: WebhookEvent): Promise<boolean> {
  return (await siteWebhooks(ctx.prisma, siteId)).some((h) => h.events.includes(type));
}

/** The job row that announces a comment published on submission (it never passes the moderators' new-comment job). */
export function announceCommentJob(job: { commentId: string; siteId: string }) {
  return prepareJob('announce_comment', { siteId: job.siteId, commentId: job.commentId });
}

async function siteWebhooks(tx: Pick<Tx, 'webhook'>, siteId: string) {
  const hit = hooksBySite.get(siteId);
  if (hit && hit.expires > Date.now()) return hit.hooks;
  const hooks = await tx.webhook.findMany({ where: { siteId }, select: { id: true, events: true } });
  if (hooksBySite.size > 10_000) hooksBySite.clear();
  hooksBySite.set(siteId, { hooks, expires: Date.now() + TTL_MS });
  return hooks;
}

/**
 * Records one delivery per subscribed webhook, and the job that sends it, in the caller's transaction:
 * the event exists if and only if the change it announces does. The body is fixed here, so every retry
 * sends (and signs) the same bytes. Never an email or IP: the comment goes out in its public shape.
 */
export async function enqueueWebhookEvent(tx: Tx, ev: { siteId: string; commentId: string; type: WebhookEvent; now: Date }): Promise<number> {
  const hooks = (await siteWebhooks(tx, ev.siteId)).filter((h) => h.events.includes(ev.type));
  if (hooks.length === 0) return 0;
  const c = await tx.comment.findUnique({
    where: { id: ev.commentId },
    select: { id: true, siteId: true, parentId: true, name: true, website: true, body: true, createdAt: true, status: true, page: { select: { key: true } } },
  });
  if (!c) return 0;
  for (const hook of hooks) {
    const id = randomUUID();
    const body = JSON.stringify(deliveryBody(id, ev.type, ev.now, c));
    await tx.webhookDelivery.create({ data: { id, webhookId: hook.id, siteId: c.siteId, commentId: c.id, event: ev.type, body, createdAt: ev.now } });
    await enqueueJob(tx, 'deliver_webhook', { siteId: c.siteId, deliveryId: id });
  }
  return hooks.length;
}

function deliveryBody(
  id: string,
  type: string,
  createdAt: Date,
  c: { id: string; siteId: string; parentId: string | null; name: string; website: string | null; body: string; createdAt: Date; status: string; page: { key: string } },
) {
  return {
    id,
    type,
    createdAt: createdAt.toISOString(),
    data: { comment: { ...presentPublicComment(c), status: c.status }, site: c.siteId, page: c.page.key },
  };
}

/**
 * After an erasure: the stored bodies of deliveries about the erased comments (sent or not) lose the name
 * and website, and with "delete" the text; what is still to be sent goes out in that form.
 */
export async function anonymizeDeliveries(tx: Tx, commentIds: string[], mode: 'anonymize' | 'delete'): Promise<void> {
  const rows = await tx.webhookDelivery.findMany({ where: { commentId: { in: commentIds } }, select: { id: true, body: true } });
  for (const row of rows) {
    let parsed: { data?: { comment?: Record<string, unknown> } };
    try {
      parsed = JSON.parse(row.body);
    } catch {
      continue;
    }
    const comment = parsed.data?.comment;
    if (!comment) continue;
    comment.name = 'Deleted reader';
    comment.website = null;
    if (mode === 'delete') {
      comment.html = '';
      comment.status = 'deleted';
    }
    await tx.webhookDelivery.update({ where: { id: row.id }, data: { body: JSON.stringify(parsed) } });
  }
}
