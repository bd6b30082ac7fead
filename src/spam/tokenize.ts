import { foldText } from '../text/foldText';
import { contactDetails } from '../text/contactDetails';
import { findLinks } from '../text/links';
import { charGrams } from './charGrams';

/** What the classifier sees of a comment. The email never leaves the server; only its domain is a feature. */
export interface SpamDocument {
  name: string;
  email: string;
  website: string | null;
  body: string;
}

const MAX_TOKENS = 600;
const ROLE_ADDRESSES = new Set(['info', 'sales', 'contact', 'admin', 'support', 'marketing', 'hello', 'office', 'seo', 'service', 'team', 'enquiries']);
const MAX_TOKEN_LENGTH = 64;

function hostOf(link: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(link) ? link : `http://${link}`;
  try {
    const host = new URL(withScheme).hostname.toLowerCase().replace(/^www\./, '');
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

/** Words of a host name without its top-level domain: "cheap-meds-online.ru" -> cheap, meds, online. */
function domainWords(host: string): string[] {
  const labels = host.split('.');
  return labels
    .slice(0, Math.max(1, labels.length - 1))
    .flatMap((l) => l.split('-'))
    .filter((w) => w.length >= 3 && w !== 'www');
}

function bucket(n: number, edges: number[]): string {
  for (const edge of edges) if (n < edge) return `<${edge}`;
  return `>=${edges[edges.length - 1]}`;
}

function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}$€£']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length >= 2 && w.length <= 30);
}

/**
 * Everything the site's model counts for one comment: the word features (the spam score) and the
 * body's character trigrams (the second opinion, src/spam/charGrams.ts), each once.
 */
export function tokenize(doc: SpamDocument): string[] {
  return [...wordFeatures(doc), ...charGrams(doc.body)];
}

/**
 * The word features of one comment, each once (the model counts documents containing a feature):
 * words and word pairs of the body, link domains and their count, and author features.
 */
export function wordFeatures(doc: SpamDocument): string[] {
  const out = new Set<string>();
  const add = (t: string) => {
    if (out.size < MAX_TOKENS) out.add(t.slice(0, MAX_TOKEN_LENGTH));
  };

  const bodyWords = words(doc.body);
  for (const w of bodyWords) add(/^\d{5,}$/.test(w) ? 'num:long' : w);
  for (let i = 0; i + 1 < bodyWords.length; i++) add(`${bodyWords[i]} ${bodyWords[i + 1]}`);

  const links = findLinks(doc.body);
  add(`links:${links.length >= 3 ? '3+' : links.length}`);
  for (const link of links) {
    const host = hostOf(link);
    if (!host) continue;
    add(`domain:${host}`);
    for (const w of domainWords(host)) add(`domain_word:${w}`);
    add(`tld:${host.slice(host.lastIndexOf('.') + 1)}`);
  }
  if (/<a\s[^>]*href|\[url[=\]]/i.test(doc.body)) add('markup_link');

  const letters = doc.body.replace(/[^\p{L}]/gu, '');
  const upper = doc.body.replace(/[^\p{Lu}]/gu, '');
  if (letters.length >= 20 && upper.length / letters.length > 0.5) add('caps:high');
  if ((doc.body.match(/!/g) ?? []).length >= 3) add('exclaim:many');
  for (const kind of contactDetails(doc.body)) add(`contact:${kind}`);
  if (/[$€£]\s?\d|\d\s?(?:usd|eur|dollars?)\b/i.test(doc.body)) add('has_money');
  if (/[$€£]\s?\d{3,}|\d{3,}\s?(?:usd|eur|dollars?|pounds?)\b/i.test(doc.body.replace(/[,.](?=\d{3})/g, ''))) add('money:big');
  add(`len:${bucket(doc.body.trim().length, [40, 120, 400, 1000])}`);

  const website = doc.website?.trim() || null;
  if (website) {
    add('has_website');
    const host = hostOf(website);
    if (host) {
      add(`website_domain:${host}`);
      add(`website_tld:${host.slice(host.lastIndexOf('.') + 1)}`);
      // Commercial sites spell their keywords into the domain: "roofing-contractor-dallas.com".
      for (const w of domainWords(host)) add(`website_word:${w}`);
      if ((host.match(/-/g) ?? []).length >= 2) add('website_hyphenated');
      if (links.some((l) => hostOf(l) === host)) add('website_linked_in_body');
    }
    // A short, generic body that exists to carry an author link is the classic blog-comment spam.
    add(`website_len:${bucket(doc.body.trim().length, [120, 400])}`);
  } else add('no_website');

  const nameWords = words(doc.name);
  add(`name_words:${nameWords.length >= 4 ? '4+' : nameWords.length}`);
  for (const w of nameWords) add(`name:${w}`);
  if (/\d/.test(doc.name)) add('name_has_digit');
  if (findLinks(doc.name).length > 0) add('name_has_link');

  const at = doc.email.lastIndexOf('@');
  if (at > 0) {
    const local = doc.email.slice(0, at).trim().toLowerCase();
    const emailDomain = doc.email.slice(at + 1).trim().toLowerCase();
    add(`email_domain:${emailDomain}`);
    if (/\d{3,}/.test(local)) add('email_digits');
    // A business writing as itself: info@, sales@…, and an address at the author's own website.
    if (ROLE_ADDRESSES.has(local)) add('email_role');
    const site = website ? hostOf(website) : null;
    if (site && (emailDomain === site || emailDomain.endsWith(`.${site}`))) add('email_at_website');
  }
  return [...out];
}
