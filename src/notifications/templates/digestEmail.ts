import { commentHtmlBlock, commentTextBlock, type HeldComment, type ModerationLinks } from './moderatorEmail';
import { emailLayout, escapeHtml, oneLine, type RenderedEmail } from './html';

export interface DigestEmailInput {
  site: { id: string; name: string };
  moderatorName: string;
  /** Oldest first; at most the listing limit. */
  comments: Array<{ comment: HeldComment; links: ModerationLinks }>;
  /** All pending comments, which may exceed the listed ones. */
  totalPending: number;
  moderationUrl: string;
}

export function renderDigestEmail(input: DigestEmailInput): RenderedEmail {
  const { site } = input;
  const n = input.totalPending;
  const subject = `[${oneLine(site.name, 60)}] ${n} comment${n === 1 ? '' : 's'} waiting for moderation`;
  const more = n - input.comments.length;
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
${more > 0 ? `<p style="margin:16px 0 0">…and ${more} more in the moderation queue.</p>` : ''}`;
  const footer = `<a href="${escapeHtml(input.moderationUrl)}" style="color:#0969da">Open the moderation queue</a> · You receive a digest for ${escapeHtml(site.name)}.`;
  return { subject, text, html: emailLayout(subject, inner, footer) };
}
