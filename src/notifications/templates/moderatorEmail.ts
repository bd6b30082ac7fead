import { buttonHtml, emailLayout, escapeHtml, oneLine, safeHttpUrl, textBlockHtml, type RenderedEmail } from './html';

export interface HeldComment {
  id: string;
  name: string;
  email: string;
  website: string | null;
  body: string;
  reasons: string[];
  status: string;
  createdAt: Date;
  isReply: boolean;
  pageTitle: string | null;
  pageUrl: string | null;
  pageKey: string;
}

export interface ModerationLinks {
  approve: string;
  reject: string;
  spam: string;
  /** The comment's page in the console (/admin/comments/{id}). */
  console?: string;
}

export interface ModeratorEmailInput {
  site: { id: string; name: string };
  moderatorName: string;
  comment: HeldComment;
  links: ModerationLinks;
  /** Where the moderation API/UI lists this site's pending comments. */
  moderationUrl: string;
}

function pageLabel(c: HeldComment): string {
  return c.pageTitle?.trim() || c.pageKey;
}

function reasonsText(c: HeldComment): string {
  return c.reasons.length ? c.reasons.join(', ') : c.status === 'pending' ? 'site requires approval' : 'none';
}

/** The comment's facts as text lines (shared by the single email and the digest). */
export function commentTextBlock(c: HeldComment, links: ModerationLinks): string {
  const pageUrl = safeHttpUrl(c.pageUrl);
  return [
    `Page:    ${oneLine(pageLabel(c), 300)}${pageUrl ? `\n         ${pageUrl}` : ''}`,
    `Author:  ${oneLine(c.name, 200)} <${oneLine(c.email, 320)}>`,
    `Website: ${c.website ? oneLine(c.website, 500) : '(none)'}`,
    `Posted:  ${c.createdAt.toISOString()}${c.isReply ? ' (a reply)' : ''}`,
    `Status:  ${c.status}`,
    `Held because: ${reasonsText(c)}`,
    '',
    ...c.body.split(/\r?\n/).map((l) => `  ${l}`),
    '',
    `Approve: ${links.approve}`,
    `Reject:  ${links.reject}`,
    `Spam:    ${links.spam}`,
    ...(links.console ? [`Open in the console: ${links.console}`] : []),
  ].join('\n');
}

/** The comment's facts as HTML (shared by the single email and the digest). */
export function commentHtmlBlock(c: HeldComment, links: ModerationLinks): string {
  const pageUrl = safeHttpUrl(c.pageUrl);
  const page = pageUrl
    ? `<a href="${escapeHtml(pageUrl)}" style="color:#0969da">${escapeHtml(pageLabel(c))}</a>`
    : escapeHtml(pageLabel(c));
  // The website is shown as text, not a link: a held comment's links are exactly what may be spam.
  const rows: Array<[string, string]> = [
    ['Page', page],
    ['Author', `${escapeHtml(c.name)} &lt;${escapeHtml(c.email)}&gt;`],
    ['Website', c.website ? escapeHtml(c.website) : '<em>none</em>'],
    ['Posted', `${escapeHtml(c.createdAt.toISOString())}${c.isReply ? ' (a reply)' : ''}`],
    ['Status', escapeHtml(c.status)],
    ['Held because', escapeHtml(reasonsText(c))],
  ];
  const table = rows
    .map(
      ([k, v]) =>
        `<tr><td style="padding:2px 12px 2px 0;color:#59636e;vertical-align:top;white-space:nowrap">${k}</td><td style="padding:2px 0;word-break:break-word">${v}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="font-family:Arial,sans-serif;font-size:14px">${table}</table>
${textBlockHtml(c.body)}
<p style="margin:12px 0 0">${buttonHtml(links.approve, 'Approve', '#1a7f37')}${buttonHtml(links.reject, 'Reject', '#6e7781')}${buttonHtml(links.spam, 'Spam', '#cf222e')}</p>${
  links.console ? `\n<p style="margin:4px 0 0"><a href="${escapeHtml(links.console)}" style="color:#0969da">Open in the console</a></p>` : ''
}`;
}

export function renderModeratorEmail(input: ModeratorEmailInput): RenderedEmail {
  const { site, comment: c } = input;
  const subject = `[${oneLine(site.name, 60)}] New comment by ${oneLine(c.name, 60)} on ${oneLine(pageLabel(c), 80)}`;
  const text = [
    `Hello ${oneLine(input.moderatorName, 100)},`,
    '',
    `A new comment on ${oneLine(site.name, 100)} (${site.id}) is waiting for you.`,
    '',
    commentTextBlock(c, input.links),
    '',
    'Each link opens a confirmation page first; nothing changes until you confirm.',
    `All pending comments: ${input.moderationUrl}`,
  ].join('\n');
  const inner = `<p style="margin:0 0 12px">Hello ${escapeHtml(input.moderatorName)},</p>
<p style="margin:0 0 12px">A new comment on <strong>${escapeHtml(site.name)}</strong> is waiting for you.</p>
${commentHtmlBlock(c, input.links)}
<p style="margin:12px 0 0;font-size:12px;color:#59636e">Each button opens a confirmation page first; nothing changes until you confirm.</p>`;
  const footer = `<a href="${escapeHtml(input.moderationUrl)}" style="color:#0969da">Open the moderation queue</a> · You moderate ${escapeHtml(site.name)} on Parley.`;
  return { subject, text, html: emailLayout(subject, inner, footer) };
}
