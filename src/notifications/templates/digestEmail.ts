import { commentHtmlBlock, commentTextBlock, type HeldComment, type ModerationLinks } from './moderatorEmail';
import { emailLayout, escapeHtml, oneLine, type RenderedEmail } from './html';

/** Spam per day on the site (src/spam/spamDaily.ts), oldest first. */
export interface DigestSpamDay {
  date: string;
  spam: number;
  restored: number;
}

export interface DigestEmailInput {
  site: { id: string; name: string };
  moderatorName: string;
  /** Oldest first; at most the listing limit. */
  comments: Array<{ comment: HeldComment; links: ModerationLinks }>;
  /** All pending comments, which may exceed the listed ones. */
  totalPending: number;
  moderationUrl: string;
  /** Recent days of spam counts, so a wave of good comments caught as spam is noticed; omitted: not shown. */
  spamDays?: DigestSpamDay[];
}

/** The spam lines of the digest: per day, how many went to spam and how many were restored as not spam. */
function spamSection(days: DigestSpamDay[] | undefined): { text: string[]; html: string } {
  if (!days || days.length === 0) return { text: [], html: '' };
  const spam = days.reduce((a, d) => a + d.spam, 0);
  const restored = days.reduce((a, d) => a + d.restored, 0);
  const title = `Spam, last ${days.length} days: ${spam} sent to spam, ${restored} restored as not spam.`;
  const hint = 'A sudden rise can mean good comments are being caught: the spam folder is worth a look.';
  const text = [title, ...days.map((d) => `  ${d.date}: ${d.spam} to spam, ${d.restored} restored`), hint, ''];
  const cell = 'style="padding:2px 12px 2px 0"';
  const rows = days
    .map((d) => `<tr><td ${cell}>${escapeHtml(d.date)}</td><td ${cell}>${d.spam}</td><td ${cell}>${d.restored}</td></tr>`)
    .join('');
  const html = `<h3 style="margin:20px 0 8px;font-size:15px">${escapeHtml(title)}</h3>
<table style="border-collapse:collapse;font-size:13px"><tr><th ${cell} align="left">Day</th><th ${cell} align="left">To spam</th><th ${cell} align="left">Restored</th></tr>${rows}</table>
<p style="margin:8px 0 0;font-size:13px">${escapeHtml(hint)}</p>`;
  return { text, html };
}

export function renderDigestEmail(input: DigestEmailInput): RenderedEmail {
  const { site } = input;
  const n = input.totalPending;
  const subject = `[${oneLine(site.name, 60)}] ${n} comment${n === 1 ? '' : 's'} waiting for moderation`;
  const more = n - input.comments.length;
  const spam = spamSection(input.spamDays);
  const text = [
    `Hello ${oneLine(input.moderatorName, 100)},`,
    '',
    `${n} comment${n === 1 ? ' is' : 's are'} waiting on ${oneLine(site.name, 100)} (${site.id}).`,
    '',
    ...input.comments.flatMap(({ comment, links }, i) => [
      `--- ${i + 1} of ${n} ---`,
      commentTextBlock(comment, links),
      '',
    ]),
    ...(more > 0 ? [`...and ${more} more in the moderation queue.`, ''] : []),
    ...spam.text,
    'Each link opens a confirmation page first; nothing changes until you confirm.',
    `All pending comments: ${input.moderationUrl}`,
  ].join('\n');
  const items = input.comments
    .map(
      ({ comment, links }, i) =>
        `<h3 style="margin:20px 0 8px;font-size:15px;border-top:1px solid #d0d7de;padding-top:12px">${i + 1} of ${n}</h3>${commentHtmlBlock(comment, links)}`,
    )
    .join('\n');
  const inner = `<p style="margin:0 0 12px">Hello ${escapeHtml(input.moderatorName)},</p>
<p style="margin:0 0 12px"><strong>${n}</strong> comment${n === 1 ? ' is' : 's are'} waiting on <strong>${escapeHtml(site.name)}</strong>.</p>
${items}
${more > 0 ? `<p style="margin:16px 0 0">…and ${more} more in the moderation queue.</p>` : ''}
${spam.html}`;
  const footer = `<a href="${escapeHtml(input.moderationUrl)}" style="color:#0969da">Open the moderation queue</a> · You receive a digest for ${escapeHtml(site.name)}.`;
  return { subject, text, html: emailLayout(subject, inner, footer) };
}
