import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Turns a comment body, stored exactly as the author wrote it, into safe HTML.
 *
 * Readers may use a small Markdown subset: *emphasis*, **strong**, `code`, fenced code blocks, > quotes,
 * lists and [links](https://…). Nothing else: no images, headings, tables, rules, raw HTML, entities or
 * indented code (a pasted poem keeps its indentation as text). Text without Markdown renders as it always
 * did: blank lines make paragraphs, single newlines make <br>, and bare http(s) URLs become links with
 * rel="nofollow ugc noopener". markdown-it runs with `html: false`, so author HTML stays text; the result
 * then passes the allowlist sanitizer as a second line of defence.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Invisible and direction-changing characters that make a rendered comment lie about its own text.
const BIDI_AND_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Quotes in quotes in lists: deeper than this, the rest is shown as text. markdown-it's own `maxNesting`
 * drops whatever lies deeper, so quote and list stop opening new levels well before it.
 */
const MAX_BLOCK_DEPTH = 16;
const LINK_REL = 'nofollow ugc noopener';

const md = new MarkdownIt('commonmark', { html: false, linkify: true, breaks: true, typographer: false, maxNesting: 100 });
md.disable(['code', 'hr', 'heading', 'lheading', 'reference', 'html_block', 'html_inline', 'image', 'autolink', 'entity']);
md.enable(['linkify']);
for (const name of ['blockquote', 'list'] as const) {
  const rule = md.block.ruler.__rules__.find((r) => r.name === name)!;
  const original = rule.fn;
  md.block.ruler.at(name, (state, startLine, endLine, silent) => state.level < MAX_BLOCK_DEPTH && original(state, startLine, endLine, silent), { alt: rule.alt });
}
// Bare URLs only with an explicit http(s) scheme, as before: "example.com" or an address stays text.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
// Absolute http(s) targets only: javascript:, data:, mailto: and relative links stay literal text.
md.validateLink = (url) => /^https?:\/\/[^\s]/i.test(url.trim());
// Show a link's text as the author typed it (markdown-it would decode %-escapes and punycode).
md.normalizeLinkText = (text) => text;

// Block tokens normally end in "\n"; the old renderer had none, and existing comments must not change.
md.core.ruler.push('parley_inline_blocks', (state) => {
  for (const token of state.tokens) token.block = false;
  return false;
});
md.renderer.rules.softbreak = () => '<br>';
md.renderer.rules.hardbreak = () => '<br>';
md.renderer.rules.fence = (tokens, idx) => `<pre><code>${escapeHtml(tokens[idx].content)}</code></pre>`;
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx].attrSet('rel', LINK_REL);
  tokens[idx].attrSet('target', '_blank');
  return self.renderToken(tokens, idx, options);
};

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'a', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li'],
  allowedAttributes: { a: ['href', 'rel', 'target'], ol: ['start'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: LINK_REL, target: '_blank' }),
  },
};

/**
 * Rendering is pure and costly (the parser, then the sanitizer parses the HTML again), and the same bodies
 * are rendered over and over (threads with owner tokens, the moderation queue), so recent results are kept,
 * oldest dropped first.
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
  return sanitizeHtml(md.render(text), SANITIZE);
}
