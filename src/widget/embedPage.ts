import { avatarHue, initials } from '../../widget/avatar';
import { AUTHOR_LINK_REL, safeHttpUrl } from '../../widget/links';
import { STRINGS, type Lang, type Strings } from '../../widget/strings';
import { exactTime, relativeTime } from '../../widget/time';
import type { ThreadComment, ThreadResponse } from '../comments/listThread';
import { THREAD_SORTS, type ThreadSort } from '../comments/threadRoots';
import { html, raw, type SafeHtml } from './html';

/** What the reader asked the embed page for, carried through every link and the form. */
export interface EmbedQuery {
  page: string;
  lang?: Lang;
  theme?: 'light' | 'dark';
  /** The real article's URL and title, when a site iframes the embed page. */
  url?: string;
  title?: string;
  sort?: ThreadSort;
}

export type FormValues = Partial<Record<'name' | 'email' | 'website' | 'body', string>> & { notifyReplies?: boolean };

export interface EmbedPageInput {
  siteId: string;
  siteName: string;
  thread: ThreadResponse;
  query: EmbedQuery;
  lang: Lang;
  now: Date;
  maxDepth: number;
  replyTo?: string;
  cursor?: string;
  values?: FormValues;
  errors?: Record<string, string>;
  notice?: { text: string; bad: boolean };
  formToken?: string;
  /** Absolute URL of the embed page, sent as pageUrl when the site gave none. */
  selfUrl: string;
  /** The reader's own comments still in their edit window (id -> text as written). */
  own?: Map<string, string>;
  /** The own comment shown with an edit form, or with a delete confirmation, in its place. */
  editing?: string;
  deleting?: string;
  /** The text of a refused edit, to give back. */
  editText?: string;
}

export function embedHref(siteId: string, q: EmbedQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ page: q.page });
  if (q.lang) params.set('lang', q.lang);
  if (q.theme) params.set('theme', q.theme);
  if (q.url) params.set('url', q.url);
  if (q.title) params.set('title', q.title);
  if (q.sort && q.sort !== 'oldest') params.set('sort', q.sort);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `/embed/${encodeURIComponent(siteId)}?${params}`;
}

/** The thread and the form as plain HTML: works with no JavaScript at all, in an iframe or on its own. */
export function renderEmbedPage(input: EmbedPageInput): SafeHtml {
  const { thread, lang, query, siteId } = input;
  const t = STRINGS[lang];
  const own = input.own ?? new Map<string, string>();
  const closed = thread.page.closed;
  const replyTarget = input.replyTo ? findComment(thread.comments, input.replyTo) : undefined;
  const form = closed ? html`<p class="nt">${t.closed}</p>` : renderForm(input, t, replyTarget);
  const renderTree = (c: ThreadComment, depth: number): SafeHtml => {
    const website = safeHttpUrl(c.website);
    const canReply = !closed && c.status === 'approved' && depth < input.maxDepth;
    return html`<li class="${c.status === 'pending' ? 'c pending' : 'c'}" id="parley-${c.id}">
<article class="cb"><div class="av h${avatarHue(c.name)}" aria-hidden="true">${initials(c.name)}</div><div class="cm">
<div class="hd">${website ? html`<a class="nm" href="${website}" rel="${AUTHOR_LINK_REL}" target="_blank">${c.name}</a>` : html`<span class="nm">${c.name}</span>`}
<time datetime="${c.createdAt}" title="${exactTime(c.createdAt, lang, 'UTC')} UTC">${relativeTime(c.createdAt, input.now, lang)}</time></div>
${c.status === 'pending' && html`<p class="pd">${t.awaiting}</p>`}
${input.editing === c.id && own.has(c.id) ? editForm(input, t, c.id, input.editText ?? own.get(c.id)!) : html`<div class="tx">${raw(c.html)}</div>`}
<div class="acts">${canReply && html`<a class="lk" href="${embedHref(siteId, query, { replyTo: c.id })}#parley-respond" aria-label="${t.replyTo(c.name)}">${t.reply}</a>`}
${c.status === 'approved' && html`<a class="lk" href="${permalink(input, c.id)}" target="_top">${t.link}</a>`}
${own.has(c.id) && input.editing !== c.id && input.deleting !== c.id && html`<a class="lk" href="${embedHref(siteId, query, { edit: c.id })}#parley-${c.id}">${t.edit}</a>
<a class="lk" href="${embedHref(siteId, query, { delete: c.id })}#parley-${c.id}">${t.del}</a>`}</div>
${input.deleting === c.id && own.has(c.id) && deleteForm(input, t, c.id)}
${replyTarget?.id === c.id && form}
</div></article>
${c.replies.length > 0 && html`<ol class="replies">${c.replies.map((r) => renderTree(r, depth + 1))}</ol>`}
</li>`;
  };

  const title = query.title || thread.page.title || input.siteName;
  const more = thread.nextCursor
    ? html`<p><a class="bt2" href="${embedHref(siteId, query, { cursor: thread.nextCursor })}">${t.showMore}</a></p>`
    : '';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${t.region} – ${title}</title>
<link rel="stylesheet" href="/embed.css">
</head>
<body>
<main class="p${query.theme ? ` ${query.theme}` : ''}" aria-labelledby="parley-count">
<div class="bar"><h1 id="parley-count">${t.count(thread.total)}</h1>
<nav class="so" aria-label="${t.sortBy}">${t.sortBy} ${THREAD_SORTS.map((s, i) =>
    (query.sort ?? 'oldest') === s
      ? html`<strong aria-current="true">${t.sorts[i]}</strong> `
      : html`<a href="${embedHref(siteId, { ...query, sort: s })}">${t.sorts[i]}</a> `,
  )}</nav></div>
${input.notice && html`<p class="st ${input.notice.bad ? 'bad' : 'ok'}" role="status">${input.notice.text}</p>`}
${thread.earlier && html`<p><a class="bt2" href="${embedHref(siteId, query)}">${t.showEarlier}</a></p>`}
<ol class="th">${thread.comments.map((c) => renderTree(c, 0))}</ol>
${more}
${!replyTarget && form}
</main>
</body>
</html>
`;
}

function findComment(list: ThreadComment[], id: string): ThreadComment | undefined {
  for (const c of list) {
    if (c.id === id) return c;
    const inner = findComment(c.replies, id);
    if (inner) return inner;
  }
  return undefined;
}

function renderForm(input: EmbedPageInput, t: Strings, replyTarget: ThreadComment | undefined): SafeHtml {
  const v = input.values ?? {};
  const errors = input.errors ?? {};
  const { query, siteId } = input;
  const field = (name: 'name' | 'email' | 'website' | 'body', label: string, type: string, required: boolean) => {
    const error = errors[name] ?? (name === 'body' ? errors.comment : undefined);
    const describedBy = name === 'email' ? `parley-note parley-err-${name}` : `parley-err-${name}`;
    const common = html`id="parley-${name}" name="${name}" aria-describedby="${describedBy}"${required ? raw(' required') : ''}${error ? raw(' aria-invalid="true"') : ''}`;
    const control =
      type === 'textarea'
        ? html`<textarea ${common} rows="6">${v.body ?? ''}</textarea>`
        : html`<input type="${type}" ${common} value="${v[name] ?? ''}"${raw(autocomplete(name))}>`;
    return html`<div class="fd"><label for="parley-${name}">${label}${required && html` <span class="rq" aria-hidden="true">*</span>`}</label>
${control}<p class="er" id="parley-err-${name}" aria-live="polite">${error ?? ''}</p></div>`;
  };
  const loose = Object.entries(errors)
    .filter(([k]) => !['name', 'email', 'website', 'body', 'comment'].includes(k))
    .map(([, m]) => m);
  return html`<div class="fw" id="parley-respond">
<form method="post" action="${embedHref(siteId, query)}" novalidate aria-labelledby="parley-reply-title">
<h2 id="parley-reply-title">${replyTarget ? t.replyTo(replyTarget.name) : t.leaveReply}</h2>
<p class="nt" id="parley-note">${t.emailNote} <a href="/privacy/${encodeURIComponent(siteId)}?lang=${input.lang}" target="_blank" rel="noopener">${t.yourData}</a></p>
<input type="hidden" name="page" value="${query.page}">
<input type="hidden" name="pageUrl" value="${query.url || input.selfUrl}">
${query.title && html`<input type="hidden" name="pageTitle" value="${query.title}">`}
${replyTarget && html`<input type="hidden" name="parentId" value="${replyTarget.id}">`}
${input.formToken && html`<input type="hidden" name="formToken" value="${input.formToken}">`}
${field('name', t.name, 'text', true)}
${field('email', t.email, 'email', true)}
${field('website', t.website, 'url', false)}
${field('body', t.comment, 'textarea', true)}
<div class="ck"><input type="checkbox" id="parley-notifyReplies" name="notifyReplies" value="true"${v.notifyReplies ? raw(' checked') : ''}><label for="parley-notifyReplies">${t.notify}</label></div>
<div class="hp" aria-hidden="true"><label for="parley-hp">${t.honeypot}</label><input type="text" id="parley-hp" name="hp" tabindex="-1" autocomplete="off"></div>
<div class="ac"><button type="submit" class="bt">${t.submit}</button>${replyTarget && html`<a class="bt2" href="${embedHref(siteId, query)}#parley-respond">${t.cancelReply}</a>`}</div>
${loose.length > 0 && html`<p class="st bad" role="status">${loose.join(' ')}</p>`}
</form>${formatHelp(t)}</div>`;
}

/** The Markdown subset, as in the widget: a closed disclosure under the form. */
function formatHelp(t: Strings): SafeHtml {
  return html`<details class="fh"><summary>${t.formatHelp}</summary><ul>${t.formats.map(([code, what]) => html`<li><code>${code}</code> ${what}</li>`)}</ul></details>`;
}

/** The article's URL with the comment's anchor when the site said where it is; else this page, opened at it. */
function permalink(input: EmbedPageInput, id: string): string {
  return input.query.url
    ? `${input.query.url.split('#')[0]}#parley-${id}`
    : `${embedHref(input.siteId, input.query, { around: id })}#parley-${id}`;
}

function editForm(input: EmbedPageInput, t: Strings, id: string, text: string): SafeHtml {
  const action = `/embed/${encodeURIComponent(input.siteId)}/comments/${id}/edit${embedHref(input.siteId, input.query).replace(/^[^?]*/, '')}`;
  return html`<form class="ed" method="post" action="${action}">
<label for="parley-edit-${id}">${t.comment}</label><textarea id="parley-edit-${id}" name="body" rows="5">${text}</textarea>
<div class="ac"><button type="submit" class="bt">${t.saveEdit}</button><a class="bt2" href="${embedHref(input.siteId, input.query)}#parley-${id}">${t.cancel}</a></div>
</form>`;
}

function deleteForm(input: EmbedPageInput, t: Strings, id: string): SafeHtml {
  const action = `/embed/${encodeURIComponent(input.siteId)}/comments/${id}/delete${embedHref(input.siteId, input.query).replace(/^[^?]*/, '')}`;
  return html`<form class="ac" method="post" action="${action}"><span>${t.confirmDelete}</span>
<button type="submit" class="bt">${t.del}</button><a class="bt2" href="${embedHref(input.siteId, input.query)}#parley-${id}">${t.cancel}</a></form>`;
}

function autocomplete(name: string): string {
  return name === 'name' ? ' autocomplete="name"' : name === 'email' ? ' autocomplete="email"' : name === 'website' ? ' autocomplete="url"' : '';
}
