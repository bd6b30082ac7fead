import { emailLayout, escapeHtml, excerpt, oneLine, safeHttpUrl, textBlockHtml, type RenderedEmail } from './html';

/**
 * Emails to commenters. They never contain anyone's email address: the replier is named only by the
 * name they chose, and the recipient's own address is only in the envelope.
 */

export interface ReplyEmailInput {
  siteName: string;
  recipientName: string;
  replierName: string;
  replyBody: string;
  parentBody: string;
  pageTitle: string;
  /** pageUrl#parley-<replyId>, or null when the page URL is unknown */
  replyUrl: string | null;
  unsubscribeUrl: string;
  /** Signed link to the page listing this reader's reply emails on the site, each with its own unsubscribe. */
  manageUrl?: string;
}

function unsubscribeFooter(siteName: string, url: string): string {
  return `You get these emails because you asked to be told about replies on ${escapeHtml(siteName)}. <a href="${escapeHtml(url)}" style="color:#0969da">Unsubscribe</a>.`;
}

export function renderReplyEmail(input: ReplyEmailInput): RenderedEmail {
  const replyUrl = safeHttpUrl(input.replyUrl);
  const subject = `${oneLine(input.replierName, 60)} replied to your comment on ${oneLine(input.pageTitle, 80)}`;
  const text = [
    `Hello ${oneLine(input.recipientName, 100)},`,
    '',
    `${oneLine(input.replierName, 100)} replied to your comment on "${oneLine(input.pageTitle, 200)}":`,
    '',
    ...input.replyBody.split(/\r?\n/).map((l) => `  ${l}`),
    '',
    `Your comment: "${excerpt(input.parentBody)}"`,
    '',
    ...(replyUrl ? [`Read it and answer: ${replyUrl}`, ''] : []),
    ...(input.manageUrl ? [`Choose which comments you get reply emails for: ${input.manageUrl}`] : []),
    `Stop these emails: ${input.unsubscribeUrl}`,
  ].join('\n');
  const inner = `<p style="margin:0 0 12px">Hello ${escapeHtml(input.recipientName)},</p>
<p style="margin:0 0 12px"><strong>${escapeHtml(input.replierName)}</strong> replied to your comment on <strong>${escapeHtml(input.pageTitle)}</strong>:</p>
${textBlockHtml(input.replyBody)}
<p style="margin:12px 0;color:#59636e">Your comment: “${escapeHtml(excerpt(input.parentBody))}”</p>
${replyUrl ? `<p style="margin:12px 0 0"><a href="${escapeHtml(replyUrl)}" style="color:#0969da;font-weight:bold">Read it and answer</a></p>` : ''}`;
  const manage = input.manageUrl ? ` <a href="${escapeHtml(input.manageUrl)}" style="color:#0969da">Manage your reply emails</a>.` : '';
  return { subject, text, html: emailLayout(subject, inner, unsubscribeFooter(input.siteName, input.unsubscribeUrl) + manage) };
}

export interface ApprovedEmailInput {
  siteName: string;
  authorName: string;
  body: string;
  pageTitle: string;
  /** pageUrl#parley-<id>, or null when the page URL is unknown */
  commentUrl: string | null;
  unsubscribeUrl: string;
  /** Signed link that proves the author reads this address: their next comments skip the queue. */
  verifyEmailUrl: string;
}

export function renderApprovedEmail(input: ApprovedEmailInput): RenderedEmail {
  const url = safeHttpUrl(input.commentUrl);
  const subject = `Your comment on ${oneLine(input.pageTitle, 80)} is published`;
  const text = [
    `Hello ${oneLine(input.authorName, 100)},`,
    '',
    `Your comment on "${oneLine(input.pageTitle, 200)}" (${oneLine(input.siteName, 100)}) was approved and is now published:`,
    '',
    `  "${excerpt(input.body, 300)}"`,
    '',
    ...(url ? [`See it: ${url}`, ''] : []),
    `Want your next comments here published without waiting? Confirm this address: ${input.verifyEmailUrl}`,
    '',
    `Stop emails about replies to your comments: ${input.unsubscribeUrl}`,
  ].join('\n');
  const inner = `<p style="margin:0 0 12px">Hello ${escapeHtml(input.authorName)},</p>
<p style="margin:0 0 12px">Your comment on <strong>${escapeHtml(input.pageTitle)}</strong> was approved and is now published:</p>
${textBlockHtml(excerpt(input.body, 300))}
${url ? `<p style="margin:12px 0 0"><a href="${escapeHtml(url)}" style="color:#0969da;font-weight:bold">See your comment</a></p>` : ''}
<p style="margin:12px 0 0">Want your next comments here published without waiting? <a href="${escapeHtml(input.verifyEmailUrl)}" style="color:#0969da">Confirm this address</a>.</p>`;
  return { subject, text, html: emailLayout(subject, inner, unsubscribeFooter(input.siteName, input.unsubscribeUrl)) };
}
