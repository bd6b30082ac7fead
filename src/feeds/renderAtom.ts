import { renderCommentHtml } from '../comments/renderCommentHtml';
import { safeHttpUrl } from '../notifications/templates/html';

/** Atom 1.0 (RFC 4287) for comments. Only public fields go in: name, website-free, never an email or IP. */
export interface FeedComment {
  id: string;
  name: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
  pageKey: string;
  pageUrl: string | null;
  pageTitle: string | null;
}

export interface FeedInput {
  /** The feed's own URL (its id and rel="self"). */
  selfUrl: string;
  title: string;
  siteName: string;
  /** The page the feed is about (rel="alternate"), when known. */
  alternateUrl: string | null;
  /** Used as <updated> when there are no entries. */
  emptyUpdated: Date;
  comments: FeedComment[];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters XML 1.0 cannot carry at all, even escaped.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

function permalink(c: FeedComment): string | null {
  const page = safeHttpUrl(c.pageUrl);
  return page ? `${page.split('#')[0]}#parley-${c.id}` : null;
}

export function renderAtom(feed: FeedInput): string {
  const updated = feed.comments.reduce((max, c) => (c.updatedAt > max ? c.updatedAt : max), feed.comments.length ? new Date(0) : feed.emptyUpdated);
  const alternate = safeHttpUrl(feed.alternateUrl);
  const entries = feed.comments.map((c) => {
    const link = permalink(c);
    const where = c.pageTitle?.trim() || c.pageKey;
    return `  <entry>
    <id>urn:uuid:${escapeXml(c.id)}</id>
    <title type="text">${escapeXml(`${c.name} on ${where}`)}</title>
    <updated>${c.updatedAt.toISOString()}</updated>
    <published>${c.createdAt.toISOString()}</published>
    <author><name>${escapeXml(c.name)}</name></author>
${link ? `    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>\n` : ''}    <content type="html">${escapeXml(renderCommentHtml(c.body))}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(feed.selfUrl)}</id>
  <title type="text">${escapeXml(feed.title)}</title>
  <updated>${updated.toISOString()}</updated>
  <author><name>${escapeXml(feed.siteName)}</name></author>
  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>
${alternate ? `  <link rel="alternate" type="text/html" href="${escapeXml(alternate)}"/>\n` : ''}  <generator>Parley</generator>
${entries.join('\n')}
</feed>
`;
}
