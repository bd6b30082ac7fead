import net from 'node:net';
import he from 'he';

const decode = (text: string) => he.decode(text);

/**
 * Cleaning of the text fields that WordPress and Disqus exports carry as HTML: names hold entities
 * ("O&#039;Brien"), bodies hold markup. Parley stores plain text (rendered and escaped at display time).
 */

/** A tag or an HTML comment; a lone "<" (as in "a < b") is text, not the start of a tag. */
const TAG = /<!--[\s\S]*?-->|<\/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?\/?>/g;

/** A name as a reader would read it: entities decoded, tags and control characters gone, spaces collapsed. */
export function cleanName(raw: string): string {
  const text = decode(raw.replace(TAG, ''))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.slice(0, 200) || 'Anonymous';
}

/**
 * Comment HTML to plain text: paragraphs and line breaks become newlines, a link keeps its address
 * after its text, every other tag goes, entities are decoded.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/\r\n?/g, '\n')
    .replace(/<a\s[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, _q, href: string, inner: string) => {
      const label = inner.replace(TAG, '').trim();
      const url = decode(href).trim();
      return label && decode(label) !== url ? `${label} (${url})` : url;
    })
    .replace(/<br\s*\/?>\n?/gi, '\n')
    .replace(/<\/(p|div|blockquote|li|h[1-6]|pre)\s*>/gi, '\n\n')
    .replace(/<li[^>]*>/gi, '- ')
    .replace(TAG, '');
  return decode(text)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Only http(s) addresses survive: the widget turns a website into a link, so `javascript:` must never pass. */
export function cleanWebsite(raw: string | null | undefined): string | null {
  const value = decode((raw ?? '').trim());
  if (!value) return null;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
    return url.toString().slice(0, 500);
  } catch {
    return null;
  }
}

export function cleanIp(raw: string | null | undefined): string | null {
  const value = (raw ?? '').trim();
  return net.isIP(value) ? value : null;
}

export function cleanEmail(raw: string | null | undefined): string {
  return (raw ?? '').trim().slice(0, 320);
}

/**
 * The page key for a post's URL: its path, as the widget sends it by default (`location.pathname`).
 * A "plain" permalink (`/?p=123`) keeps its query, or every post would share the key "/".
 */
export function pageKeyFromUrl(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    const key = url.pathname === '/' && url.search ? `/${url.search}` : url.pathname;
    return key.slice(0, 512);
  } catch {
    // Not an absolute URL: a path already ("/2019/hello/"), or an identifier; keep it as the key.
    return value.startsWith('/') ? value.slice(0, 512) : null;
  }
}

/** "2019-03-04 12:34:56" (WordPress GMT) or ISO 8601 (Disqus) to a Date; null when it does not parse. */
export function parseSourceDate(raw: string | null | undefined, assumeUtc = true): Date | null {
  const value = (raw ?? '').trim();
  if (!value || value.startsWith('0000-00-00')) return null;
  const wp = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value);
  const date = wp && assumeUtc ? new Date(`${wp[1]}-${wp[2]}-${wp[3]}T${wp[4]}:${wp[5]}:${wp[6]}Z`) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
