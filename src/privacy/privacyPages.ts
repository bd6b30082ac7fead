import { escapeHtml } from '../notifications/templates/html';
import { STRINGS, type Lang } from './privacyStrings';

/**
 * The reader's "Your data" pages: plain HTML forms that post to same-origin routes answering with a page,
 * so they work without JavaScript; no script and no inline style, as the strict CSP wants.
 */
export const PRIVACY_CSS_PATH = '/privacy/page.css';
export const PRIVACY_CSS = `
body{margin:0;background:#f6f8fa;color:#1f2328;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:6px}
h1{font-size:1.35rem;margin:0 0 1rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
fieldset{border:0;margin:1rem 0;padding:0}legend{font-weight:600;margin-bottom:.25rem}
fieldset label{font-weight:400;display:flex;gap:.5rem;align-items:baseline;margin:.35rem 0}
input[type=email]{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #8c959f;border-radius:4px}
button{font:inherit;font-weight:600;padding:.5rem 1.25rem;border:0;border-radius:4px;color:#fff;background:#0969da;cursor:pointer}
button.danger{background:#cf222e}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #fd8c73;outline-offset:2px}
.note{color:#59636e;font-size:.9rem}.error{color:#cf222e;font-weight:600}
nav{text-align:right;font-size:.9rem}
`;

export function privacyPage(lang: Lang, title: string, inner: string, opts: { otherLangHref?: string } = {}): string {
  const t = STRINGS[lang];
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Parley</title><link rel="stylesheet" href="${PRIVACY_CSS_PATH}"></head>
<body><main>
${opts.otherLangHref ? `<nav><a href="${escapeHtml(opts.otherLangHref)}" hreflang="${lang === 'en' ? 'fr' : 'en'}">${escapeHtml(t.otherLang)}</a></nav>` : ''}
<h1>${escapeHtml(title)}</h1>
${inner}
</main></body></html>`;
}

export function requestFormPage(lang: Lang, site: { id: string; name: string }, opts: { error?: string; email?: string } = {}): string {
  const t = STRINGS[lang];
  const action = `/privacy/${encodeURIComponent(site.id)}?lang=${lang}`;
  const inner = `<p>${escapeHtml(t.intro(site.name))}</p>
${opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label for="email">${escapeHtml(t.emailLabel)}</label>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="254" value="${escapeHtml(opts.email ?? '')}">
<fieldset><legend>${escapeHtml(t.kindLegend)}</legend>
<label><input type="radio" name="kind" value="export" checked> ${escapeHtml(t.kindExport)}</label>
<label><input type="radio" name="kind" value="erase"> ${escapeHtml(t.kindErase)}</label>
</fieldset>
<button type="submit">${escapeHtml(t.submit)}</button>
</form>
<p class="note">${escapeHtml(t.kept)}</p>`;
  return privacyPage(lang, t.pageTitle, inner, { otherLangHref: `/privacy/${encodeURIComponent(site.id)}?lang=${lang === 'en' ? 'fr' : 'en'}` });
}

export function confirmPage(lang: Lang, req: { kind: 'export' | 'erase'; siteName: string }): string {
  const t = STRINGS[lang];
  const erase = req.kind === 'erase';
  const inner = `<p>${escapeHtml(erase ? t.confirmErase(req.siteName) : t.confirmExport(req.siteName))}</p>
<form method="post">
<input type="hidden" name="lang" value="${lang}">
${erase ? `<fieldset><label><input type="checkbox" name="deleteText" value="on"> ${escapeHtml(t.alsoDelete)}</label></fieldset>` : ''}
<button type="submit"${erase ? ' class="danger"' : ''}>${escapeHtml(t.confirmButton)}</button>
</form>
<p class="note">${escapeHtml(t.nothingYet)}</p>`;
  return privacyPage(lang, erase ? t.confirmEraseTitle : t.confirmExportTitle, inner);
}

export function messagePage(lang: Lang, title: string, message: string): string {
  return privacyPage(lang, title, `<p>${escapeHtml(message)}</p>`);
}

export function confirmMessage(lang: Lang, done: { kind: 'export' | 'erase'; comments: number }): string {
  const t = STRINGS[lang];
  return done.kind === 'export' ? messagePage(lang, t.exportQueuedTitle, t.exportQueued) : messagePage(lang, t.erasedTitle, t.erased(done.comments));
}
