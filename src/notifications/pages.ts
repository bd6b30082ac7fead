import { escapeHtml } from './templates/html';

/**
 * The small HTML pages behind one-click links. No script at all, and no inline style (the app's CSP
 * allows only same-origin styles), so they look right under the CSP and in any browser.
 */

export const PAGE_CSS = `
body{margin:0;background:#f6f8fa;color:#1f2328;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:6px}
h1{font-size:1.35rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dt{color:#59636e}dd{margin:0;word-break:break-word}
blockquote{white-space:pre-wrap;word-wrap:break-word;margin:0 0 1rem;padding:.25rem 0 .25rem 1rem;border-left:3px solid #d0d7de;font-family:Georgia,serif}
button{font:inherit;font-weight:600;padding:.5rem 1.25rem;border:0;border-radius:4px;color:#fff;background:#0969da;cursor:pointer}
button.approve{background:#1a7f37}button.reject{background:#6e7781}button.spam{background:#cf222e}
button:focus-visible{outline:3px solid #fd8c73;outline-offset:2px}
.note{color:#59636e;font-size:.9rem}
`;

export const PAGE_CSS_PATH = '/moderate/page.css';

export function page(title: string, inner: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Parley</title><link rel="stylesheet" href="${PAGE_CSS_PATH}"></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${inner}
</main></body></html>`;
}

export interface CommentSummary {
  siteName: string;
  pageTitle: string;
  authorName: string;
  body: string;
  status: string;
  createdAt: Date;
}

export function commentSummaryHtml(c: CommentSummary): string {
  return `<dl>
<dt>Site</dt><dd>${escapeHtml(c.siteName)}</dd>
<dt>Page</dt><dd>${escapeHtml(c.pageTitle)}</dd>
<dt>Author</dt><dd>${escapeHtml(c.authorName)}</dd>
<dt>Posted</dt><dd>${escapeHtml(c.createdAt.toISOString())}</dd>
<dt>Status</dt><dd>${escapeHtml(c.status)}</dd>
</dl>
<blockquote>${escapeHtml(c.body)}</blockquote>`;
}

/** A form that posts back to the page's own URL (no action attribute), with one button. */
export function confirmForm(label: string, buttonClass: string, hidden: Record<string, string> = {}): string {
  const inputs = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return `<form method="post">${inputs}<button type="submit" class="${escapeHtml(buttonClass)}">${escapeHtml(label)}</button></form>`;
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${escapeHtml(message)}</p>`);
}
