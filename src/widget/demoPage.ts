import type { Article } from './article';
import { html, type SafeHtml } from './html';

export interface DemoPageInput {
  article: Article;
  site: string;
  page: string;
  /** The no-JS version of the thread, offered to readers without JavaScript. */
  embedHref: string;
}

/** The demo article as a plain news page, with the embed snippet exactly as a site would paste it. */
export function renderDemoPage({ article, site, page, embedHref }: DemoPageInput): SafeHtml {
  const body = article.blocks.map((b) => (b.kind === 'subheading' ? html`<h2>${b.text}</h2>` : html`<p>${b.text}</p>`));
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${article.title} – The Parley Gazette</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<a class="skip" href="#comments">Skip to comments</a>
<header class="masthead">
<a class="name" href="/">The Parley Gazette</a>
<p class="tag">A demo page for Parley, self-hosted moderated comments</p>
</header>
<nav class="sections" aria-label="Sections"><a href="/demo">World</a><a href="/demo">Canada</a><a href="/demo">Business</a><a href="${embedHref}">Comments without JavaScript</a></nav>
<main>
<article>
<p class="kicker">World</p>
<h1>${article.title}</h1>
<p class="byline">Demo article · comments below are moderated</p>
${body}
</article>
<section class="comments" id="comments" aria-label="Comments">
<div id="parley" data-site="${site}" data-page="${page}"></div>
<script src="/widget.js" async></script>
<noscript><p><a href="${embedHref}">Read and post comments without JavaScript</a></p></noscript>
</section>
</main>
<footer>
<p>Embed the same widget on any page with:</p>
<p><code>&lt;div id="parley" data-site="${site}" data-page="${page}"&gt;&lt;/div&gt;&lt;script src="…/widget.js" async&gt;&lt;/script&gt;</code></p>
</footer>
</body>
</html>
`;
}

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#1a5fb4" d="M4 6h24v15H13l-6 6v-6H4z"/></svg>`;
