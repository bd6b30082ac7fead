import type { Tx } from '../context';
import { enqueueJob, prepareJob } from './queue';

/**
 * The core's entry points into the outbox. Both run inside the caller's transaction, so the
 * notification is stored if and only if the comment change is: nothing to lose between the two.
 */

/**
 * A new held comment: one job, fanned out to the site's moderators by the worker. Returned as a row for
 * the caller to insert in the same statement as the comment (see src/comments/submitComment.ts).
 */
export function newCommentNotificationJob(job: { commentId: string; siteId: string }) {
  return prepareJob('notify_new_comment', { siteId: job.siteId, commentId: job.commentId });
}

/**
 * A comment was approved (or published on submission, with publishedOnSubmit): tell the parent's author
 * about the reply, and the author that their comment is out. Each happens at most once per comment,
 * however often it is approved, restored and approved again. Who gets what is decided again when the
 * job runs (opt-in, unsubscribes, own replies), so these jobs stay cheap to write here.
 */
export async function enqueueApprovalNotifications(
  tx: Tx,
  job: { commentId: string; publishedOnSubmit?: boolean },
): Promise<void> {
  // Raw SQL: this runs inside every approval, where a Prisma read with its relation cost more than the rest.
  const [row] = await tx.$queryRawUnsafe<ApprovedCommentRow[]>(APPROVED_COMMENT_SQL, job.commentId);
  if (!row) return;
  const c = { ...row, parent: row.parentId ? { id: row.parentId, email: row.parentEmail!, notifyReplies: row.parentNotifyReplies! } : null };
  if (c.notifyReplies && !job.publishedOnSubmit) {
    await enqueueJob(tx, 'send_approved_notification', { siteId: c.siteId, commentId: c.id }, { dedupeKey: `send_approved_notification:${c.id}` });
  }
  const parent = c.parent;
  if (
    parent?.notifyReplies &&
    parent.email.trim().toLowerCase() !== c.email.trim().toLowerCase()
  ) {
    await enqueueJob(tx, 'send_reply_notification', { siteId: c.siteId, commentId: c.id, parentId: parent.id }, { dedupeKey: `send_reply_notification:${c.id}` });
  }
}

interface ApprovedCommentRow {
  id: string; siteId: string; email: string; notifyReplies: boolean;
  parentId: string | null; parentEmail: string | null; parentNotifyReplies: boolean | null;
}

const APPROVED_COMMENT_SQL = `SELECT c."id"::text AS "id", c."siteId", c."email", c."notifyReplies",
    p."id"::text AS "parentId", p."email" AS "parentEmail", p."notifyReplies" AS "parentNotifyReplies"
  FROM "Comment" c LEFT JOIN "Comment" p ON p."id" = c."parentId"
  WHERE c."id" = $1::uuid`;
