import { ApiError, createApi } from './api';
import { avatarColour, initials } from './avatar';
import type { WidgetConfig } from './config';
import { h } from './dom';
import { createForm } from './form';
import { AUTHOR_LINK_REL, safeHttpUrl } from './links';
import { cleanHtml } from './sanitize';
import { editable, forgetExpired, forgetMine, ownerTokens, rememberMine, savedSort, saveSort, SORTS, type Sort } from './storage';
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

// Actions other than Reply: same look, own class ("button.lk" stays the Reply button).
const button = (label: string, onclick: () => void, cls = 'ak') => h('button', { type: 'button', class: cls, onclick }, label);

/** Mount one widget into `host`: its thread, "Show more" paging and the form. */
export function mountWidget(host: HTMLElement, cfg: WidgetConfig): void {
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  const t = STRINGS[cfg.lang];
  const api = createApi(cfg.apiBase, cfg.site);
  forgetExpired(cfg.site);

  const replyLists = new Map<string, { list: HTMLElement; depth: number }>();
  let total = 0;
  let maxDepth = Infinity;
  let closed = false;
  let cursor: string | undefined;
  let sort: Sort = savedSort();
  // A permalink (#parley-<id>) opens the thread at the page that holds that comment.
  const linked = (): string | undefined => (/^#parley-([0-9a-f-]{36})$/.exec(location.hash) ?? [])[1];
  let around: string | undefined = linked();

  const count = h('h2', { id: 'parley-count' }, t.loading);
  const sorter = h(
    'select',
    { id: 'parley-sort', onchange: () => { sort = sorter.value as Sort; saveSort(sort); around = undefined; void load(false); } },
    SORTS.map((s, i) => h('option', { value: s }, t.sorts[i])),
  );
  sorter.value = sort;
  const list = h('ol', { class: 'th' });
  const earlier = h('button', { type: 'button', class: 'bt2', hidden: true, onclick: () => { around = undefined; void load(false); } }, t.showEarlier);
  const more = h('button', { type: 'button', class: 'bt2', hidden: true, onclick: () => void load(true) }, t.showMore);
  const status = h('p', { class: 'st', role: 'status' });
  const formSlot = h('div');
  const theme = cfg.theme === 'auto' ? '' : ` ${cfg.theme}`;
  root.append(
    h(
      'section',
      { class: `p${theme}`, lang: cfg.lang, 'aria-labelledby': 'parley-count' },
      h('div', { class: 'bar' }, count, h('label', { class: 'so' }, t.sortBy, ' ', sorter)),
      earlier, list, more, status, formSlot,
    ),
  );

  const form = createForm(cfg, t, api, (comment) => {
    const parent = comment.parentId ? replyLists.get(comment.parentId) : undefined;
    (parent?.list ?? list).append(renderComment(comment, parent ? parent.depth + 1 : 0));
    if (comment.status === 'approved') setTotal(total + 1);
  });

  /** Copies pageUrl#parley-<id>; where the clipboard is refused, the address bar shows the link instead. */
  function copyLink(id: string, say: (msg: string) => void) {
    const url = `${cfg.pageUrl}#parley-${id}`;
    navigator.clipboard.writeText(url).then(
      () => say(t.linkCopied),
      () => history.replaceState(null, '', url),
    );
  }

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
    const note = h('p', { class: 'st', role: 'status' });
    const say = (msg: string, bad = false) => {
      note.textContent = msg;
      note.className = bad ? 'st bad' : 'st';
    };
    const own = editable(cfg.site, c.id) ? [button(t.edit, () => startEdit()), button(t.del, () => askDelete())] : [];
    for (const b of own) b.classList.add('ow');
    const acts = h(
      'div',
      { class: 'acts' },
      canReply && h('button', { type: 'button', class: 'lk', 'aria-label': t.replyTo(c.name), onclick: () => form.replyTo(c, slot) }, t.reply),
      !pending && button(t.link, () => copyLink(c.id, say)),
      own,
    );
    const refused = (err: unknown) => {
      // Past the window (or the proof is gone): say so, in the reader's language, and stop offering it.
      if (err instanceof ApiError && err.status === 403) {
        forgetMine(cfg.site, c.id);
        for (const b of own) b.remove();
        say(t.editOver, true);
      } else say(err instanceof ApiError && err.code !== 'network' ? err.message : t.sendError, true);
    };
    function startEdit() {
      if (!text.isConnected) return; // already editing
      const mine = editable(cfg.site, c.id);
      if (!mine) return refused(new ApiError(403, 'forbidden', ''));
      const box = h('textarea', { rows: 5, 'aria-label': t.comment });
      box.value = mine[1] || text.textContent || '';
      const save = h('button', { type: 'submit', class: 'bt' }, t.saveEdit);
      const editor = h(
        'form',
        {
          class: 'ed',
          onsubmit: async (e: Event) => {
            e.preventDefault();
            save.disabled = true;
            try {
              const res = await api.edit(c.id, box.value, mine[0]);
              rememberMine(cfg.site, c.id, mine[0], res.comment.editableUntil, box.value);
              text.replaceChildren(cleanHtml(res.comment.html));
              if (res.comment.status === 'pending' && !li.classList.contains('pending')) {
                setTotal(total - 1);
                li.classList.add('pending');
                text.before(h('p', { class: 'pd' }, t.awaiting));
              }
              editor.replaceWith(text);
              say(res.comment.status === 'pending' && !pending ? t.posted : t.edited);
            } catch (err) {
              if (err instanceof ApiError && err.fields.body) say(err.fields.body, true);
              else {
                editor.replaceWith(text);
                refused(err);
              }
            } finally {
              save.disabled = false;
            }
          },
        },
        box,
        h('div', { class: 'ac' }, save, button(t.cancel, () => editor.replaceWith(text), 'bt2')),
      );
      say('');
      text.replaceWith(editor);
      box.focus();
    }
    function askDelete() {
      if (acts.nextElementSibling?.getAttribute('role') === 'group') return; // already asking
      const mine = editable(cfg.site, c.id);
      if (!mine) return refused(new ApiError(403, 'forbidden', ''));
      const ask = h(
        'div',
        { class: 'ac', role: 'group', 'aria-label': t.confirmDelete },
        t.confirmDelete,
        button(t.del, async () => {
          try {
            await api.remove(c.id, mine[0]);
            forgetMine(cfg.site, c.id);
            li.remove();
            if (!pending) setTotal(total - 1);
            status.textContent = t.deleted;
          } catch (err) {
            ask.remove();
            refused(err);
          }
        }, 'bt'),
        button(t.cancel, () => ask.remove(), 'bt2'),
      );
      acts.after(ask);
    }
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
          acts,
          note,
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
      const data: ThreadResponse = await api.thread(cfg.page, ownerTokens(cfg.site), {
        cursor: next ? cursor : undefined,
        sort: sort === 'oldest' ? undefined : sort,
        around: next ? undefined : around,
      });
      maxDepth = data.maxDepth ?? data.page?.maxDepth ?? Infinity;
      closed = !!data.page?.closed;
      setTotal(data.total);
      if (!next) {
        form.home();
        list.replaceChildren();
        replyLists.clear();
        earlier.hidden = !data.earlier;
      }
      for (const c of data.comments) if (!replyLists.has(c.id)) list.append(renderComment(c, 0));
      cursor = data.nextCursor ?? undefined;
      more.hidden = !cursor;
      if (!next) {
        formSlot.replaceChildren(closed ? h('p', { class: 'nt' }, t.closed) : form.el);
        if (around) show(around);
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

  /** Scrolls to a comment and highlights it: a link to one comment cannot reach into the shadow root by itself. */
  function show(id: string) {
    const el = root.getElementById(`parley-${id}`);
    for (const old of Array.from(root.querySelectorAll('.hl'))) old.classList.remove('hl');
    el?.classList.add('hl');
    el?.scrollIntoView({ block: 'center' });
  }

  addEventListener('hashchange', () => {
    const id = linked();
    if (!id) return;
    if (root.getElementById(`parley-${id}`)) show(id);
    else {
      around = id;
      void load(false);
    }
  });

  // Keep "5 minutes ago" honest while the page stays open, and stop offering Edit once its time is up.
  setInterval(() => {
    for (const el of Array.from(root.querySelectorAll('time'))) {
      el.textContent = relativeTime(el.dateTime, new Date(), cfg.lang);
    }
    for (const b of Array.from(root.querySelectorAll<HTMLElement>('.ow'))) {
      if (!editable(cfg.site, b.closest('li')?.dataset.id ?? '')) b.remove();
    }
  }, 30_000);

  void load(false);
}
