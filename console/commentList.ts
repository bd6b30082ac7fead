import { api, ApiFailure, enc, type ModComment } from './api';
import { actionButton, commentHtml, h } from './dom';
import { safeHttpUrl } from '../widget/links';
import { ACTION_TARGET, actionApplies, expiryFrom, firstWords, ipRange, itemLabel, moveIndex, nextOpenIndex, undoActionFor, type Action, type Status } from './queueModel';
import { describeReason } from './reasons';
import type { Lang, Strings } from './strings';
import { timeEl } from './time';

interface Entry {
  c: ModComment;
  el: HTMLLIElement;
  /** Set once acted on: the row collapses to one line with Undo, and stays where it was. */
  done: { action: Action | 'edit'; previous: Status } | null;
  selected: boolean;
}

export interface ListEnv {
  t: Strings;
  lang: Lang;
  /** The comment page itself needs no "Open" link to itself. */
  noOpenLink?: boolean;
  /** Site names by id, shown on each item when the moderator has several sites. */
  siteNames?: Map<string, string>;
  announce: (text: string) => void;
  /** Called when the selection changes (the bulk bar shows the count). */
  onSelection?: (count: number) => void;
}

const ACTION_NAMES: Array<{ action: Action; name: string; key: keyof Strings }> = [
  { action: 'approve', name: 'Approve', key: 'approve' },
  { action: 'reject', name: 'Reject', key: 'reject' },
  { action: 'spam', name: 'Spam', key: 'spam' },
  { action: 'restore', name: 'Not spam', key: 'notSpam' },
  { action: 'delete', name: 'Delete', key: 'delete' },
];

/**
 * A list of comments a moderator acts on: the queue, the spam folder, a comment's own page.
 * Acted items stay in place, collapsed to "Approved · Undo", so nothing moves under the cursor;
 * new items are only ever appended.
 */
export class CommentList {
  readonly ul: HTMLUListElement;
  private entries: Entry[] = [];
  private byId = new Map<string, Entry>();
  private current = -1;

  constructor(
    private readonly env: ListEnv,
    label: string,
  ) {
    this.ul = h('ul', { class: 'queue', role: 'list', 'aria-label': label });
  }

  get size(): number {
    return this.entries.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): Set<string> {
    return new Set(this.byId.keys());
  }

  append(comments: ModComment[]): void {
    for (const c of comments) {
      if (this.byId.has(c.id)) continue;
      const entry: Entry = { c, el: h('li', { class: 'item', tabindex: '-1', 'data-id': c.id }), done: null, selected: false };
      entry.el.addEventListener('click', () => this.setCurrent(this.entries.indexOf(entry), false));
      this.entries.push(entry);
      this.byId.set(c.id, entry);
      this.render(entry);
      this.ul.append(entry.el);
    }
  }

  clearAll(): void {
    this.entries = [];
    this.byId.clear();
    this.current = -1;
    this.ul.replaceChildren();
    this.env.onSelection?.(0);
  }

  // ---- cursor and selection (keyboard) ----

  move(delta: number): void {
    this.setCurrent(moveIndex(this.entries.length, this.current, delta), true);
  }

  setCurrent(index: number, focus: boolean): void {
    if (index < 0 || index >= this.entries.length) return;
    const old = this.entries[this.current];
    if (old) {
      old.el.classList.remove('current');
      old.el.removeAttribute('aria-current');
    }
    this.current = index;
    const entry = this.entries[index];
    entry.el.classList.add('current');
    entry.el.setAttribute('aria-current', 'true');
    if (focus) {
      entry.el.focus({ preventScroll: true });
      entry.el.scrollIntoView({ block: 'nearest' });
    }
  }

  currentEntry(): Entry | undefined {
    return this.entries[this.current];
  }

  /** a / r / s on the current item; then the cursor goes on to the next item still to do. */
  async actOnCurrent(action: Action): Promise<void> {
    const entry = this.currentEntry();
    if (!entry || entry.done) return;
    if (!actionApplies(action, entry.c.status)) return;
    await this.act(entry, action, true);
  }

  toggleCurrentSelection(): void {
    const entry = this.currentEntry();
    if (entry && !entry.done) this.setSelected(entry, !entry.selected);
  }

  selectedIds(): string[] {
    return this.entries.filter((e) => e.selected && !e.done).map((e) => e.c.id);
  }

  selectAll(on: boolean): void {
    for (const e of this.entries) if (!e.done) this.setSelected(e, on, false);
    this.env.onSelection?.(this.selectedIds().length);
  }

  private setSelected(entry: Entry, on: boolean, notify = true): void {
    entry.selected = on;
    entry.el.classList.toggle('selected', on);
    const box = entry.el.querySelector<HTMLInputElement>('input.select');
    if (box) box.checked = on;
    if (notify) this.env.onSelection?.(this.selectedIds().length);
  }

  // ---- actions ----

  async act(entry: Entry, action: Action, advance: boolean): Promise<void> {
    const { t } = this.env;
    const previous = entry.c.status;
    try {
      const res =
        action === 'delete'
          ? await api<{ comment: ModComment }>('DELETE', `/api/v1/moderation/comments/${enc(entry.c.id)}`)
          : await api<{ comment: ModComment }>('POST', `/api/v1/moderation/comments/${enc(entry.c.id)}/${action}`);
      entry.c = { ...entry.c, ...res.comment, parent: entry.c.parent };
    } catch (err) {
      this.env.announce(failureText(t, err));
      return;
    }
    // Clicked with the mouse still over it: keep the row's height until the pointer leaves, so the
    // next comment does not slide under the pointer (and a second click cannot land on it by surprise).
    this.markDone(entry, action, previous, !advance && entry.el.matches(':hover'));
    this.env.announce(`${t[`done_${action}`]}: ${entry.c.name}`);
    if (advance) this.advanceFrom(entry);
  }

  /** Bulk: one request for the selection; each comment that worked collapses like a single action. */
  async bulk(action: Action): Promise<void> {
    const { t } = this.env;
    const ids = this.selectedIds();
    if (ids.length === 0) return;
    let results: { id: string; ok: boolean; error?: { message: string } }[];
    try {
      ({ results } = await api<{ results: typeof results }>('POST', '/api/v1/moderation/comments/bulk', { ids, action }));
    } catch (err) {
      this.env.announce(failureText(t, err));
      return;
    }
    let ok = 0;
    for (const r of results) {
      const entry = this.byId.get(r.id);
      if (!entry || !r.ok) continue;
      ok++;
      const previous = entry.c.status;
      entry.c = { ...entry.c, status: ACTION_TARGET[action] };
      this.setSelected(entry, false, false);
      this.markDone(entry, action, previous);
    }
    this.env.onSelection?.(this.selectedIds().length);
    const failed = results.length - ok;
    this.env.announce(`${t[`done_${action}`]}: ${ok}${failed ? ` · ${t.actionFailed} ${failed}` : ''}`);
  }

  private advanceFrom(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    const next = nextOpenIndex(
      this.entries.map((e) => e.done !== null),
      index,
    );
    this.setCurrent(next, true);
  }

  private markDone(entry: Entry, action: Action | 'edit', previous: Status, settle = false): void {
    entry.done = { action, previous };
    entry.selected = false;
    this.renderDone(entry, settle);
  }

  private async undo(entry: Entry): Promise<void> {
    if (!entry.done || entry.done.action === 'edit') return;
    const back = undoActionFor(entry.done.previous);
    try {
      const res =
        back === 'delete'
          ? await api<{ comment: ModComment }>('DELETE', `/api/v1/moderation/comments/${enc(entry.c.id)}`)
          : await api<{ comment: ModComment }>('POST', `/api/v1/moderation/comments/${enc(entry.c.id)}/${back}`);
      entry.c = { ...entry.c, ...res.comment, parent: entry.c.parent };
    } catch (err) {
      this.env.announce(failureText(this.env.t, err));
      return;
    }
    entry.done = null;
    this.render(entry);
    this.setCurrent(this.entries.indexOf(entry), true);
  }

  // ---- rendering ----

  private renderDone(entry: Entry, settle = false): void {
    const { t } = this.env;
    const { c, el } = entry;
    const done = entry.done!;
    const ghost = settle ? h('div', { class: 'ghost', 'aria-hidden': 'true' }) : null;
    if (ghost) {
      ghost.append(...Array.from(el.childNodes));
      ghost.inert = true;
      el.addEventListener('mouseleave', () => entry.done === done && this.renderDone(entry), { once: true });
    }
    el.className = settle ? 'item done settling' : 'item done';
    if (this.entries[this.current] === entry) el.classList.add('current');
    el.setAttribute('aria-label', `${t[`done_${done.action}`]} · ${itemLabel(c.name, c.body)}`);
    const line = h('p', { class: 'done-line' }, h('strong', null, t[`done_${done.action}`]), ' · ', h('span', { class: 'author' }, c.name), ' · ', h('span', { class: 'snippet' }, firstWords(c.body)));
    const row = h('div', { class: 'done-row' }, line);
    if (done.action !== 'edit') row.append(actionButton('Undo', t.undo, (e) => (e.stopPropagation(), void this.undo(entry)), { class: 'link' }));
    el.replaceChildren(row, ...(ghost ? [ghost] : []));
  }

  private render(entry: Entry): void {
    const { t, lang } = this.env;
    const { c, el } = entry;
    el.className = `item status-${c.status}`;
    if (this.entries[this.current] === entry) el.classList.add('current');
    el.setAttribute('aria-label', itemLabel(c.name, c.body));

    const select = h('input', { type: 'checkbox', class: 'select', 'aria-label': `${t.selectItem} ${c.name}` });
    select.checked = entry.selected;
    select.addEventListener('change', () => this.setSelected(entry, select.checked));

    const pageHref = safeHttpUrl(c.pageUrl);
    const pageText = c.pageTitle?.trim() || c.page;
    const head = h(
      'div',
      { class: 'head' },
      select,
      h('span', { class: 'author' }, c.name),
      h('span', { class: `badge badge-${c.status}` }, t[`st_${c.status}`]),
      this.env.siteNames && this.env.siteNames.size > 1 ? h('span', { class: 'badge' }, this.env.siteNames.get(c.site) ?? c.site) : null,
      h('span', { class: 'where' }, t.onPage, ' ', pageHref ? h('a', { href: pageHref, rel: 'noopener noreferrer', target: '_blank' }, pageText) : h('span', null, pageText), ' · ', timeEl(c.createdAt, lang)),
      this.env.noOpenLink ? null : h('a', { class: 'open', href: `/admin/comments/${enc(c.id)}` }, t.openComment),
    );

    const parts: (Node | null)[] = [head];
    if (c.parent) {
      const quote = h('blockquote', { class: 'parent' }, h('p', { class: 'parent-by' }, `${t.replyTo} ${c.parent.name}`));
      const body = h('div', { class: 'parent-body' });
      body.append(commentHtml(c.parent.html));
      quote.append(body);
      parts.push(quote);
    }
    const body = h('div', { class: 'body' });
    body.append(commentHtml(c.html));
    parts.push(body);

    const reasons = c.reasons ?? [];
    parts.push(
      h('div', { class: 'reasons' }, h('h3', null, t.why), reasons.length ? h('ul', null, reasons.map((r) => h('li', { 'data-code': r }, describeReason(r, lang)))) : h('p', null, t.noReasons)),
    );
    parts.push(
      h(
        'details',
        { class: 'meta' },
        h('summary', null, t.moreDetails),
        h(
          'dl',
          null,
          h('dt', null, t.email),
          h('dd', null, c.email),
          h('dt', null, t.website),
          h('dd', null, safeHttpUrl(c.website) ? h('a', { href: safeHttpUrl(c.website)!, rel: 'nofollow noopener noreferrer', target: '_blank' }, c.website!) : t.none),
          h('dt', null, t.ip),
          h('dd', null, c.ip ?? t.none),
          h('dt', null, t.userAgent),
          h('dd', null, c.userAgent ?? t.none),
        ),
      ),
    );

    const actions = h('div', { class: 'actions', role: 'group', 'aria-label': c.name });
    for (const { action, name, key } of ACTION_NAMES) {
      const b = actionButton(name, t[key] as string, (e) => {
        e.stopPropagation();
        this.setCurrent(this.entries.indexOf(entry), false);
        void this.act(entry, action, false);
      }, { class: `act act-${action}` });
      b.disabled = !actionApplies(action, c.status);
      actions.append(b);
    }
    const editForm = this.editForm(entry);
    const banForm = this.banForm(entry);
    actions.append(
      actionButton('Edit', t.edit, (e) => {
        e.stopPropagation();
        banForm.hidden = true;
        editForm.hidden = !editForm.hidden;
        if (!editForm.hidden) editForm.querySelector('textarea')?.focus();
      }, { class: 'act act-edit' }),
      actionButton('Ban', t.ban, (e) => {
        e.stopPropagation();
        editForm.hidden = true;
        banForm.hidden = !banForm.hidden;
        if (!banForm.hidden) banForm.querySelector<HTMLInputElement>('input[type=radio]')?.focus();
      }, { class: 'act act-ban' }),
    );
    parts.push(actions, editForm, banForm);
    el.replaceChildren(...parts.filter((p): p is Node => p !== null));
  }

  private editForm(entry: Entry): HTMLFormElement {
    const { t } = this.env;
    const id = `edit-${entry.c.id}`;
    const area = h('textarea', { id, name: 'body', rows: 5 });
    area.value = entry.c.body;
    const form = h(
      'form',
      { class: 'inline-form edit-form' },
      h('label', { for: id }, t.editLabel),
      area,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t.save), actionButton('Cancel', t.cancel, () => (form.hidden = true))),
    );
    form.hidden = true;
    form.addEventListener('click', (e) => e.stopPropagation());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const res = await api<{ comment: ModComment }>('PATCH', `/api/v1/moderation/comments/${enc(entry.c.id)}`, { body: area.value });
        entry.c = { ...entry.c, ...res.comment, parent: entry.c.parent };
      } catch (err) {
        this.env.announce(failureText(t, err));
        return;
      }
      this.render(entry);
      this.env.announce(`${t.done_edit}: ${entry.c.name}`);
      entry.el.focus();
    });
    return form;
  }

  private banForm(entry: Entry): HTMLFormElement {
    const { t } = this.env;
    const c = entry.c;
    const uid = `ban-${c.id}`;
    const range = c.ip ? ipRange(c.ip) : null;
    const choices: Array<{ kind: string; label: string; value: string | null }> = [
      { kind: 'email', label: t.banEmail, value: c.email },
      { kind: 'ip', label: t.banIp, value: c.ip },
      { kind: 'range', label: t.banRange, value: range },
      { kind: 'name', label: t.banName, value: c.name },
    ];
    const value = h('input', { id: `${uid}-value`, name: 'value', type: 'text', required: true });
    value.value = c.email;
    const radios = choices.map((ch, i) => {
      const r = h('input', { type: 'radio', name: `${uid}-kind`, id: `${uid}-${ch.kind}`, value: ch.kind, disabled: !ch.value });
      r.checked = i === 0;
      r.addEventListener('change', () => {
        if (r.checked) value.value = ch.value ?? '';
      });
      return h('div', { class: 'radio' }, r, h('label', { for: `${uid}-${ch.kind}` }, ch.label));
    });
    const reason = h('input', { id: `${uid}-reason`, name: 'reason', type: 'text', maxlength: '500' });
    const expiry = h(
      'select',
      { id: `${uid}-expiry`, name: 'expiry' },
      h('option', { value: '1d' }, t.ban_1d),
      h('option', { value: '7d' }, t.ban_7d),
      h('option', { value: '30d', selected: true }, t.ban_30d),
      h('option', { value: 'never' }, t.ban_never),
    );
    const form = h(
      'form',
      { class: 'inline-form ban-form', 'aria-label': t.banTitle },
      h('fieldset', null, h('legend', null, t.banKind), radios, c.ip ? null : h('p', { class: 'hint' }, t.noIp)),
      h('label', { for: `${uid}-value` }, t.banValue),
      value,
      h('label', { for: `${uid}-reason` }, t.banReason),
      reason,
      h('label', { for: `${uid}-expiry` }, t.banExpiry),
      expiry,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t.ban), actionButton('Cancel', t.cancel, () => (form.hidden = true))),
    );
    form.hidden = true;
    form.addEventListener('click', (e) => e.stopPropagation());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const kind = form.querySelector<HTMLInputElement>('input[type=radio]:checked')?.value ?? 'email';
      try {
        await api('POST', `/api/v1/moderation/sites/${enc(c.site)}/bans`, {
          kind: kind === 'range' ? 'ip' : kind,
          value: value.value,
          reason: reason.value.trim() || null,
          expiresAt: expiryFrom(expiry.value, new Date()),
        });
      } catch (err) {
        this.env.announce(failureText(t, err));
        return;
      }
      form.hidden = true;
      this.env.announce(t.banned);
    });
    return form;
  }
}

export function failureText(t: Strings, err: unknown): string {
  if (err instanceof ApiFailure) {
    if (err.error.status === 0) return t.networkError;
    const fields = err.error.fields ? ` ${Object.values(err.error.fields).join(' ')}` : '';
    return `${t.actionFailed} ${err.error.message}${fields}`;
  }
  return `${t.actionFailed} ${String(err)}`;
}
