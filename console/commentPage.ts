import { api, ApiFailure, enc, type ModComment } from './api';
import { CommentList, failureText } from './commentList';
import { commentHtml, h } from './dom';
import type { Shell } from './layout';
import type { Strings } from './strings';
import { formatDate, timeEl } from './time';

interface AuditEntry {
  id: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  oldBody: string | null;
  newBody: string | null;
  via: string;
  createdAt: string;
  moderator: { id: string; name: string } | null;
}

interface Context {
  comment: ModComment;
  thread: ModComment[];
  audit: AuditEntry[];
  authorComments: ModComment[];
}

/** /admin/comments/{id}: the comment with its actions, the thread around it, its history, the author's other comments. */
export async function mountCommentPage(main: HTMLElement, shell: Shell, t: Strings, announce: (s: string) => void): Promise<CommentList | null> {
  main.replaceChildren(h('h1', null, t.commentTitle), h('p', null, t.loading));
  let ctx: Context;
  try {
    ctx = await api<Context>('GET', `/api/v1/moderation/comments/${enc(shell.comment)}/context`);
  } catch (err) {
    const notFound = err instanceof ApiFailure && (err.error.status === 404 || err.error.status === 403 || err.error.status === 400);
    main.replaceChildren(h('h1', null, t.commentTitle), h('p', { class: 'error' }, notFound ? t.notFound : failureText(t, err)));
    return null;
  }
  const list = new CommentList({ t, lang: shell.lang, announce, noOpenLink: true }, t.commentTitle);
  list.append([ctx.comment]);
  list.setCurrent(0, false);

  const thread = h('ul', { class: 'thread', role: 'list' }, ctx.thread.map((c) => threadItem(c, ctx.comment.id, shell, t)));
  const history = ctx.audit.length
    ? h('ol', { class: 'history' }, ctx.audit.map((a) => auditItem(a, shell, t)))
    : h('p', null, t.noHistory);
  const others = ctx.authorComments.filter((c) => c.id !== ctx.comment.id);
  const otherList = others.length
    ? h(
        'ul',
        { class: 'others', role: 'list' },
        others.map((c) =>
          h(
            'li',
            null,
            h('a', { href: `/admin/comments/${enc(c.id)}` }, c.pageTitle?.trim() || c.page),
            ' · ',
            h('span', { class: `badge badge-${c.status}` }, t[`st_${c.status}`]),
            ' · ',
            timeEl(c.createdAt, shell.lang),
            h('div', { class: 'body small' }, commentHtml(c.html)),
          ),
        ),
      )
    : h('p', null, t.noOthers);

  main.replaceChildren(
    h('h1', null, `${t.commentTitle} · ${ctx.comment.name}`),
    list.ul,
    h('section', { 'aria-labelledby': 'h-thread' }, h('h2', { id: 'h-thread' }, t.thread), thread),
    h('section', { 'aria-labelledby': 'h-history' }, h('h2', { id: 'h-history' }, t.history), history),
    h('section', { 'aria-labelledby': 'h-others' }, h('h2', { id: 'h-others' }, t.authorOthers), otherList),
  );
  return list;
}

function threadItem(c: ModComment, focusId: string, shell: Shell, t: Strings): HTMLLIElement {
  const body = h('div', { class: 'body' });
  body.append(commentHtml(c.html));
  const here = c.id === focusId;
  return h(
    'li',
    { class: here ? 'thread-item here' : 'thread-item', 'aria-current': here ? 'true' : null },
    h(
      'div',
      { class: 'head' },
      here ? h('strong', { class: 'author' }, c.name) : h('a', { class: 'author', href: `/admin/comments/${enc(c.id)}` }, c.name),
      h('span', { class: `badge badge-${c.status}` }, t[`st_${c.status}`]),
      timeEl(c.createdAt, shell.lang),
    ),
    body,
    c.replies?.length ? h('ul', { role: 'list' }, c.replies.map((r) => threadItem(r, focusId, shell, t))) : null,
  );
}

function auditItem(a: AuditEntry, shell: Shell, t: Strings): HTMLLIElement {
  const who = a.moderator?.name ?? t.system;
  const words = t as unknown as Record<string, string | undefined>;
  const status = (st: string) => words[`st_${st}`] ?? st;
  const change = a.fromStatus && a.toStatus && a.fromStatus !== a.toStatus ? ` (${status(a.fromStatus)} → ${status(a.toStatus)})` : '';
  return h(
    'li',
    null,
    h('p', null, h('strong', null, words[`done_${a.action}`] ?? a.action), change, ` · ${who} · ${t.via} ${a.via} · `, h('time', { datetime: a.createdAt }, formatDate(a.createdAt, shell.lang))),
    a.oldBody !== null ? h('div', { class: 'diff' }, h('p', { class: 'label' }, t.oldText), h('pre', { class: 'old' }, a.oldBody)) : null,
    a.newBody !== null ? h('div', { class: 'diff' }, h('p', { class: 'label' }, t.newText), h('pre', { class: 'new' }, a.newBody)) : null,
  );
}
