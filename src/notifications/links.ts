import type { AppContext } from '../context';
import { MODERATE_ACTIONS, moderateLinkToken, unsubscribeLinkToken, verifyEmailLinkToken } from './linkTokens';
import type { ModerationLinks } from './templates/moderatorEmail';

/** Absolute URLs for the links emails carry. */

export function moderationLinks(ctx: AppContext, commentId: string, moderatorId: string): ModerationLinks {
  const now = ctx.now();
  const [approve, reject, spam] = MODERATE_ACTIONS.map(
    (action) => `${ctx.publicUrl}/moderate/${moderateLinkToken(ctx.secretKey, { commentId, moderatorId, action, now })}`,
  );
  return { approve, reject, spam, console: consoleCommentUrl(ctx, commentId) };
}

export function unsubscribeUrl(ctx: AppContext, commentId: string): string {
  return `${ctx.publicUrl}/unsubscribe/${unsubscribeLinkToken(ctx.secretKey, { commentId, now: ctx.now() })}`;
}

export function verifyEmailUrl(ctx: AppContext, commentId: string): string {
  return `${ctx.publicUrl}/verify-email/${verifyEmailLinkToken(ctx.secretKey, { commentId, now: ctx.now() })}`;
}

/** The console's queue of the site (it shows the sign-in page first when the browser is signed out). */
export function moderationQueueUrl(ctx: AppContext, siteId: string): string {
  return `${ctx.publicUrl}/admin?site=${encodeURIComponent(siteId)}`;
}

/** The console's page of one comment: its thread, history and every action. */
export function consoleCommentUrl(ctx: AppContext, commentId: string): string {
  return `${ctx.publicUrl}/admin/comments/${encodeURIComponent(commentId)}`;
}

/** pageUrl#parley-<id>, the anchor the widget gives each comment. */
export function commentPermalink(pageUrl: string | null, commentId: string): string | null {
  if (!pageUrl) return null;
  return `${pageUrl.split('#')[0]}#parley-${commentId}`;
}

/** The Message-ID of a job's email: the same on every attempt, so a resend is recognisably one message. */
export function jobMessageId(ctx: AppContext, jobId: string): string {
  return `<parley-job-${jobId}@${messageIdHost(ctx.publicUrl)}>`;
}

// Parsed once per public URL, not once per email.
const hosts = new Map<string, string>();
function messageIdHost(publicUrl: string): string {
  let host = hosts.get(publicUrl);
  if (host === undefined) {
    host = 'parley.invalid';
    try {
      host = new URL(publicUrl).hostname || host;
    } catch {
      /* keep the fallback */
    }
    hosts.set(publicUrl, host);
  }
  return host;
}
