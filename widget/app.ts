import { createApi } from './api';
import { avatarColour, initials } from './avatar';
import type { WidgetConfig } from './config';
import { h } from './dom';
import { createForm } from './form';
import { AUTHOR_LINK_REL, safeHttpUrl } from './links';
import { cleanHtml } from './sanitize';
import { ownerTokens } from './storage';
import { STRINGS } from './strings';
import { CSS } from './styles';
import { exactTime, relativeTime } from './time';
import type { PublicComment, ThreadResponse } from './types';

function adoptStyles(root: ShadowRoot): void {
  // A constructed sheet is not blocked by a host page's strict style-src CSP; <style> is the fallback.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', null, CSS));
  }
}

/** Mount one widget into `host`: its thread, "Show more" paging and the form. */
export function mountWidget(host: HTMLElement, cfg: WidgetConfig): void {
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  const t = STRINGS[cfg.lang];
  const api = createApi(cfg.apiBase, cfg.site);

  const replyLists = new Map<string, { list: HTMLElement; depth: number }>();
  let total = 0;
  let maxDepth = Infinity;
  let closed = false;
  let cursor: string | undefined;

  const count = h('h2', { id: 'parley-count' }, t.loading);
  const list = h('ol', { class: 'th' });
  const more = h('button', { type: 'button', class: 'bt2', hidden: true, onclick: () => void load(true) }, t.showMore);
  const status = h('p', { class: 'st', role: 'status' });
  const formSlot = h('div');
  const theme = cfg.theme === 'auto' ? '' : ` ${cfg.theme}`;
  root.append(
    h('section', { class: `p${theme}`, lang: cfg.lang, 'aria-labelledby': 'parley-count' }, count, list, more, status, formSlot),
  );

  const form = createForm(cfg, t, api, (comment) => {
    const parent = comment.parentId ? replyLists.get(comment.parentId) : undefined;
    (parent?.list ?? list).append(renderComment(comment, parent ? parent.depth + 1 : 0));
    if (comment.status === 'approved') setTotal(total + 1);
  });

  function setTotal(n: number) {
    total = n;
    count.textContent = t.count(n);
  }

  function renderComment(c: PublicComment, depth: number): HTMLLIElement {
    const pending = c.status === 'pending';
    const website = safeHttpUrl(c.website);
    const avatar = h('div', { class: 'av', 'aria-hidden': 'true' }, initials(c.name));
    avatar.style.background = avatarColour(c.name);
    const slot = h('div', { class: 'rs' });
    const replies = h('ol', { class: 'replies' });
    const canReply = !pending && !closed && depth < maxDepth;
    const text = h('div', { class: 'tx' });
    text.append(cleanHtml(c.html));
    const li = h(
      'li',
      { class: pending ? 'c pending' : 'c', id: `parley-${c.id}`, 'data-id': c.id },
      h(
        'article',
        { class: 'cb' },
        avatar,
        h(
          'div',
          { class: 'cm' },
          h(
            'div',
            { class: 'hd' },
            website
              ? h('a', { class: 'nm', href: website, rel: AUTHOR_LINK_REL, target: '_blank' }, c.name)
              : h('span', { class: 'nm' }, c.name),
            h('time', { datetime: c.createdAt, title: exactTime(c.createdAt, cfg.lang) }, relativeTime(c.createdAt, new Date(), cfg.lang)),
          ),
          pending && h('p', { class: 'pd' }, t.awaiting),
          text,
          canReply &&
            h('button', { type: 'button', class: 'lk', 'aria-label': t.replyTo(c.name), onclick: () => form.replyTo(c, slot) }, t.reply),
          slot,
        ),
      ),
      replies,
    );
    replyLists.set(c.id, { list: replies, depth });
    for (const r of c.replies ?? []) replies.append(renderComment(r, depth + 1));
    return li;
  }

  async function load(next: boolean) {
    more.disabled = true;
    status.textContent = '';
    try {
      const data: ThreadResponse = await api.thread(cfg.page, ownerTokens(cfg.site), next ? cursor : undefined);
      maxDepth = data.maxDepth ?? data.page?.maxDepth ?? Infinity;
      closed = !!data.page?.closed;
      setTotal(data.total);
      for (const c of data.comments) if (!replyLists.has(c.id)) list.append(renderComment(c, 0));
      cursor = data.nextCursor ?? undefined;
      more.hidden = !cursor;
      if (!next) {
        formSlot.replaceChildren(closed ? h('p', { class: 'nt' }, t.closed) : form.el);
        // A link to one comment (#parley-<id>, as the no-JS redirect uses) cannot reach into the shadow root by itself.
        if (location.hash.startsWith('#parley-')) root.getElementById(location.hash.slice(1))?.scrollIntoView();
      }
    } catch {
      if (!next) count.textContent = t.region;
      status.replaceChildren(
        t.loadError,
        ' ',
        h('button', { type: 'button', class: 'lk', onclick: () => void load(next) }, t.retry),
      );
    } finally {
      more.disabled = false;
    }
  }

  // Keep "5 minutes ago" honest while the page stays open.
  setInterval(() => {
    for (const el of Array.from(root.querySelectorAll('time'))) {
      el.textContent = relativeTime(el.dateTime, new Date(), cfg.lang);
    }
  }, 60_000);

  void load(false);
}
