import LinkifyIt from 'linkify-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Turns a comment body, stored exactly as the author wrote it, into safe HTML:
 * blank lines make paragraphs, single newlines make <br>, and bare http(s) URLs become links with
 * rel="nofollow ugc noopener". No author-supplied HTML survives: the text is escaped first, and the result
 * passes through an allowlist sanitizer as a second line of defence.
 */
const linkify = new LinkifyIt(undefined, { fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
linkify.set({ fuzzyLink: false });

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Invisible and direction-changing characters that make a rendered comment lie about its own text.
const BIDI_AND_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

function renderLine(line: string): string {
  const matches = linkify.match(line) ?? [];
  let out = '';
  let last = 0;
  for (const m of matches) {
    if (!/^https?:\/\//i.test(m.url)) continue;
    out += escapeHtml(line.slice(last, m.index));
    out += `<a href="${escapeHtml(m.url)}" rel="nofollow ugc noopener" target="_blank">${escapeHtml(m.text)}</a>`;
    last = m.lastIndex;
  }
  return out + escapeHtml(line.slice(last));
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'a'],
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  allowedSchemes: ['http', 'https'],
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener', target: '_blank' }),
  },
};

/**
 * Rendering is pure and costly (the sanitizer parses the HTML again), and the same bodies are rendered over
 * and over (threads with owner tokens, the moderation queue), so recent results are kept, oldest dropped first.
 */
const RENDER_CACHE_CHARS = 4_000_000; // bodies and their HTML together: at most ~8 MB
const rendered = new Map<string, string>();
let renderedChars = 0;

export function renderCommentHtml(body: string): string {
  const hit = rendered.get(body);
  if (hit !== undefined) return hit;
  const html = renderUncached(body);
  const size = body.length + html.length;
  if (size <= RENDER_CACHE_CHARS / 100) {
    while (renderedChars + size > RENDER_CACHE_CHARS) {
      const [oldBody, oldHtml] = rendered.entries().next().value!;
      rendered.delete(oldBody);
      renderedChars -= oldBody.length + oldHtml.length;
    }
    rendered.set(body, html);
    renderedChars += size;
  }
  return html;
}

function renderUncached(body: string): string {
  const text = body.replace(/\r\n?/g, '\n').replace(BIDI_AND_CONTROL, '').trim();
  if (!text) return '';
  const paragraphs = text.split(/\n\s*\n+/).map((p) => p.trim()).filter(Boolean);
  const html = paragraphs.map((p) => `<p>${p.split('\n').map(renderLine).join('<br>')}</p>`).join('');
  return sanitizeHtml(html, SANITIZE);
}

/** Count of http(s) links in a body, as the link-limit rule sees them. */
export function countLinks(body: string): number {
  return (linkify.match(body) ?? []).filter((m) => /^https?:\/\//i.test(m.url)).length;
}
