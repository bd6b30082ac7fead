import { html, type SafeHtml } from '../widget/html';

/**
 * The HTML shell of every console page: no content of its own beyond a heading and a note for
 * browsers without JavaScript, only data attributes the one script reads (page kind, language,
 * CSRF token, the moderator and their sites). Every value is escaped by the html`` template.
 */
export type ConsoleLang = 'en' | 'fr';

export interface ShellData {
  lang: ConsoleLang;
  page: string;
  title: string;
  csrfToken: string;
  moderator: { id: string; name: string };
  sites: { id: string; name: string; role: 'moderator' | 'admin' }[];
  site?: string;
  commentId?: string;
  pollMs: number;
  /** `?v=` hashes of the built script and stylesheet, so they can be cached for ever. */
  assets: { js: string; css: string };
  /** Server-rendered content (the 403 page); otherwise the script fills <main>. */
  body?: SafeHtml;
}

const WORDS = {
  en: { skip: 'Skip to content', loading: 'Loading…', noscript: 'The moderation console needs JavaScript.' },
  fr: { skip: 'Aller au contenu', loading: 'Chargement…', noscript: 'La console de modération a besoin de JavaScript.' },
} as const;

export function renderConsoleShell(d: ShellData): string {
  const w = WORDS[d.lang];
  return html`<!DOCTYPE html>
<html lang="${d.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="color-scheme" content="light dark">
<title>${d.title} · Parley</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/admin/console.css?v=${d.assets.css}">
<script src="/admin/console.js?v=${d.assets.js}" defer></script></head>
<body data-page="${d.page}" data-lang="${d.lang}" data-csrf="${d.csrfToken}" data-site="${d.site ?? ''}" data-comment="${d.commentId ?? ''}" data-poll-ms="${d.pollMs}" data-moderator="${JSON.stringify(d.moderator)}" data-sites="${JSON.stringify(d.sites)}">
<a class="skip" href="#main">${w.skip}</a>
<header id="top"></header>
<main id="main" tabindex="-1">${d.body ?? html`<h1>${d.title}</h1><p>${w.loading}</p><noscript><p>${w.noscript}</p></noscript>`}</main>
</body></html>`.value;
}
