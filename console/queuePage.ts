import { api, type ModComment } from './api';
import { CommentList, failureText } from './commentList';
import { actionButton, h } from './dom';
import type { Shell } from './layout';
import { filtersFromSearch, filtersToQuery, newArrivals, type Action, type QueueFilters } from './queueModel';
import type { Strings } from './strings';

const PAGE_SIZE = 50;
const POLL_SIZE = 100;

export interface QueueOptions {
  /** The spam folder fixes status and site, and shows no filters for them. */
  fixed?: { status: QueueFilters['status']; site: string };
  heading: string;
  /** Inside another page (the spam folder under the site's Spam page): an h2 instead of the page's h1. */
  nested?: boolean;
}

/**
 * The queue: filters, a bulk bar, the list, "Load more", and polling. Polling never inserts into
 * the list by itself: it counts new comments and says so ("3 new comments — Show"); Show appends them.
 */
export function mountQueue(container: HTMLElement, shell: Shell, t: Strings, announce: (s: string) => void, opts: QueueOptions): { list: () => CommentList } {
  let filters: QueueFilters = opts.fixed ? { ...filtersFromSearch(location.search), ...opts.fixed } : filtersFromSearch(location.search);
  let nextCursor: string | null = null;
  let waiting: ModComment[] = [];

  const count = h('span', { class: 'count' }, t.selected(0));
  const selectAll = h('input', { type: 'checkbox', id: 'select-all' });
  const list = new CommentList({ t, lang: shell.lang, announce, siteNames: new Map(shell.sites.map((x) => [x.id, x.name])), onSelection: (n) => {
    count.textContent = t.selected(n);
    bulkButtons.forEach((b) => (b.disabled = n === 0));
    if (n === 0) selectAll.checked = false;
  } }, opts.heading);

  // ---- filters ----
  const field = (id: string, label: string, control: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const status = h(
    'select',
    { id: 'f-status', name: 'status' },
    (['pending', 'approved', 'rejected', 'spam', 'deleted', 'all'] as const).map((s) => h('option', { value: s, selected: filters.status === s }, t[`st_${s}`])),
  );
  const site = h(
    'select',
    { id: 'f-site', name: 'site' },
    h('option', { value: '' }, t.allSites),
    shell.sites.map((s) => h('option', { value: s.id, selected: filters.site === s.id }, s.name)),
  );
  const pageInput = h('input', { id: 'f-page', name: 'page', type: 'text', placeholder: t.pagePlaceholder, value: filters.page });
  const search = h('input', { id: 'f-q', name: 'q', type: 'search', placeholder: t.searchPlaceholder, value: filters.q });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t.filters },
    opts.fixed ? null : field('f-status', t.status, status),
    opts.fixed || shell.sites.length < 2 ? null : field('f-site', t.site, site),
    field('f-page', t.page, pageInput),
    field('f-q', t.search, search),
    h('button', { type: 'submit' }, t.apply),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    filters = { status: opts.fixed?.status ?? (status.value as QueueFilters['status']), site: opts.fixed?.site ?? site.value, page: pageInput.value, q: search.value };
    if (!opts.fixed) history.replaceState(null, '', `${location.pathname}?${filtersToQuery(filters)}`);
    void reload();
  });

  // ---- bulk bar ----
  selectAll.addEventListener('change', () => list.selectAll(selectAll.checked));
  const bulkActions: Array<[Action, string, keyof Strings]> = [
    ['approve', 'Approve', 'approve'],
    ['reject', 'Reject', 'reject'],
    ['spam', 'Spam', 'spam'],
    ['restore', 'Not spam', 'notSpam'],
    ['delete', 'Delete', 'delete'],
  ];
  const bulkButtons = bulkActions.map(([action, name, key]) => {
    const b = actionButton(name, t[key] as string, () => void list.bulk(action), { class: `act act-${action}` });
    b.disabled = true;
    return b;
  });
  const bulk = h(
    'div',
    { class: 'bulk', role: 'group', 'aria-label': t.bulkLabel },
    h('span', { class: 'select-all' }, selectAll, h('label', { for: 'select-all' }, t.selectAll)),
    count,
    bulkButtons,
  );

  // ---- new comments banner, list, more ----
  const newText = h('span', null);
  const show = h('button', { type: 'button', class: 'link' }, t.show);
  const banner = h('div', { class: 'new-comments', role: 'status' }, newText, ' — ', show);
  banner.hidden = true;
  show.addEventListener('click', () => {
    list.append(waiting);
    waiting = [];
    banner.hidden = true;
    empty.hidden = list.size > 0;
  });
  const empty = h('p', { class: 'empty' }, t.empty);
  empty.hidden = true;
  const more = h('button', { type: 'button', class: 'more' }, t.loadMore);
  more.hidden = true;
  more.addEventListener('click', () => void loadPage());

  const help = h('button', { type: 'button', class: 'link help-button', 'data-help': '' }, t.shortcutsButton);
  container.append(h('div', { class: 'title-row' }, h(opts.nested ? 'h2' : 'h1', null, opts.heading), help), form, bulk, banner, list.ul, empty, more);

  async function loadPage(): Promise<void> {
    try {
      const res = await api<{ comments: ModComment[]; nextCursor: string | null }>(
        'GET',
        `/api/v1/moderation/comments?${filtersToQuery(filters, { limit: String(PAGE_SIZE), ...(nextCursor ? { cursor: nextCursor } : {}) })}`,
      );
      list.append(res.comments);
      nextCursor = res.nextCursor;
    } catch (err) {
      announce(failureText(t, err));
    }
    more.hidden = !nextCursor;
    empty.hidden = list.size > 0;
    container.setAttribute('aria-busy', 'false');
  }

  async function reload(): Promise<void> {
    list.clearAll();
    nextCursor = null;
    waiting = [];
    banner.hidden = true;
    container.setAttribute('aria-busy', 'true');
    await loadPage();
    if (list.size > 0) list.setCurrent(0, false);
  }

  async function poll(): Promise<void> {
    if (document.visibilityState !== 'visible') return;
    try {
      const res = await api<{ comments: ModComment[] }>('GET', `/api/v1/moderation/comments?${filtersToQuery(filters, { limit: String(POLL_SIZE) })}`);
      const known = list.ids();
      for (const w of waiting) known.add(w.id);
      const fresh = newArrivals(known, res.comments);
      if (fresh.length === 0) return;
      waiting.push(...fresh);
      newText.textContent = t.newComments(waiting.length);
      banner.hidden = false;
    } catch {
      // A missed poll is retried at the next tick; the moderator's work is not interrupted.
    }
  }

  void reload();
  setInterval(() => void poll(), shell.pollMs);
  return { list: () => list };
}
