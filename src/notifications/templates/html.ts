/** Small helpers shared by the email templates and the one-click pages. Everything interpolated is escaped. */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]);
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is shown as text at most. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** A header-safe one-line string (no CR/LF, bounded). */
export function oneLine(value: string, max = 120): string {
  const s = value.replace(/[\r\n\t]+/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function excerpt(body: string, max = 200): string {
  return oneLine(body, max);
}

/** Plain text as HTML paragraphs that keep the author's line breaks. */
export function textBlockHtml(text: string): string {
  return `<div style="white-space:pre-wrap;word-wrap:break-word;font-family:Georgia,serif;font-size:15px;line-height:1.5;border-left:3px solid #d0d7de;padding:4px 0 4px 12px;margin:8px 0">${escapeHtml(text)}</div>`;
}

export function buttonHtml(href: string, label: string, color: string): string {
  return `<a href="${escapeHtml(href)}" style="display:inline-block;padding:8px 16px;margin:0 8px 8px 0;border-radius:4px;background:${color};color:#ffffff;text-decoration:none;font-weight:bold;font-family:Arial,sans-serif;font-size:14px">${escapeHtml(label)}</a>`;
}

/** The frame every HTML email shares: a single centred column, inline styles only (clients drop <style>). */
export function emailLayout(title: string, inner: string, footer: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f8fa"><tr><td align="center" style="padding:16px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:6px">
<tr><td style="padding:20px;font-family:Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2328">
${inner}
</td></tr>
<tr><td style="padding:12px 20px;border-top:1px solid #d0d7de;font-family:Arial,sans-serif;font-size:12px;color:#59636e">${footer}</td></tr>
</table></td></tr></table>
</body></html>`;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
