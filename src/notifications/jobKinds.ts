import { z } from 'zod';

/**
 * Every job the outbox knows, with its payload schema and retry settings, in one place.
 * Payloads hold ids only (never an email address): recipients are read when the job runs,
 * so an unsubscribe or a revoked moderator takes effect even for queued work.
 * Every payload carries siteId, so a moderator's job listing can be limited to their sites.
 */
const id = z.string().min(1).max(100);

export const jobKinds = {
  /** Written in the comment's insert transaction; fans out into one email job per moderator. */
  notify_new_comment: {
    payload: z.object({ siteId: id, commentId: id }),
    maxAttempts: 10,
    sendsMail: false,
  },
  /** One moderator email about one comment. */
  send_moderator_email: {
    payload: z.object({ siteId: id, commentId: id, moderatorId: id }),
    maxAttempts: 8,
    sendsMail: true,
  },
  /** One digest email listing a site's pending comments to one moderator. */
  send_moderator_digest: {
    payload: z.object({ siteId: id, moderatorId: id }),
    maxAttempts: 8,
    sendsMail: true,
  },
  /** Tells the author of an approved reply's parent that someone answered. */
  send_reply_notification: {
    payload: z.object({ siteId: id, commentId: id, parentId: id }),
    maxAttempts: 8,
    sendsMail: true,
  },
  /** Tells an author their comment was approved. */
  send_approved_notification: {
    payload: z.object({ siteId: id, commentId: id }),
    maxAttempts: 8,
    sendsMail: true,
  },
  /**
   * A console sign-in link (src/console/authSignInJob.ts): for a moderator by id (an invitation, with the
   * site), or for whoever an address belongs to, named by its HMAC (the address itself is never stored),
   * which may be nobody. So the siteId is optional here, and such a job shows only in the operator's listing.
   */
  send_sign_in_link: {
    payload: z
      .object({
        siteId: id.optional(), moderatorId: id.optional(), addressKey: z.string().min(1).max(100).optional(),
        /** The console page to open after signing in (a path under /admin). */
        next: z.string().max(500).optional(),
      })
      .refine((p) => Boolean(p.moderatorId) !== Boolean(p.addressKey), 'exactly one of moderatorId and addressKey'),
    maxAttempts: 5,
    sendsMail: true,
  },
  /** Fans comment.created out to the webhooks for a comment published on submission (src/webhooks/). */
  announce_comment: {
    payload: z.object({ siteId: id, commentId: id }),
    maxAttempts: 10,
    sendsMail: false,
  },
  /** One signed webhook POST (src/webhooks/deliverWebhook.ts); retried with backoff for up to 24 hours. */
  deliver_webhook: {
    payload: z.object({ siteId: id, deliveryId: id }),
    maxAttempts: 40,
    sendsMail: false,
  },
  /** A reader's data-rights request: the signed confirmation link, to the address asked for (src/privacy/). */
  send_privacy_link: {
    payload: z.object({ siteId: id, requestId: id }),
    maxAttempts: 8,
    sendsMail: true,
  },
  /** A confirmed export request: the reader's data as a JSON attachment. */
  send_privacy_export: {
    payload: z.object({ siteId: id, requestId: id }),
    maxAttempts: 8,
    sendsMail: true,
  },
  /** A confirmed erasure: tells the reader it is done (the last message to the address), then forgets the request. */
  send_privacy_erased: {
    payload: z.object({ siteId: id, requestId: id }),
    maxAttempts: 8,
    sendsMail: true,
  },
  /** Daily retention sweep (src/privacy/retention.ts); one per UTC day across instances (dedupe key). siteId is "*". */
  retention_sweep: {
    payload: z.object({ siteId: id, day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
    maxAttempts: 5,
    sendsMail: false,
  },
} as const;

export type JobKind = keyof typeof jobKinds;
export type JobPayload<K extends JobKind> = z.infer<(typeof jobKinds)[K]['payload']>;

export const JOB_KIND_NAMES = Object.keys(jobKinds) as JobKind[];
export const MAIL_JOB_KINDS = JOB_KIND_NAMES.filter((k) => jobKinds[k].sendsMail);
export const NON_MAIL_JOB_KINDS = JOB_KIND_NAMES.filter((k) => !jobKinds[k].sendsMail);

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(jobKinds, kind);
}

/**
 * A 5xx reply says the message itself is refused; retrying it for hours only delays the dead state
 * an operator needs to see. It is still retried a little, since some servers answer 5xx for
 * passing trouble.
 */
export const PERMANENT_FAILURE_MAX_ATTEMPTS = 3;
