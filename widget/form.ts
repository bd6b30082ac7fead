import { ApiError, type Api } from './api';
import type { WidgetConfig } from './config';
import { h } from './dom';
import { addOwnerToken, ownerTokens, rememberMine, saveAuthor, savedAuthor } from './storage';
import type { Strings } from './strings';
import type { PublicComment } from './types';

export interface CommentForm {
  el: HTMLElement;
  /** Move the form under a comment (its reply slot) to answer it. */
  replyTo(comment: PublicComment, slot: HTMLElement): void;
  /** Back under the thread (before the thread is drawn again). */
  home(): void;
}

const FIELDS = ['name', 'email', 'website', 'body'] as const;
type Field = (typeof FIELDS)[number];

/** "Formatting help": the Markdown subset the server renders, as a closed disclosure under the form. */
export function formatHelp(t: Strings): HTMLElement {
  return h(
    'details',
    { class: 'fh' },
    h('summary', null, t.formatHelp),
    h('ul', null, t.formats.map(([code, what]) => h('li', null, h('code', null, code), ' ', what))),
  );
}

/** "Leave a Reply", as readers know it from news sites. */
export function createForm(
  cfg: WidgetConfig,
  t: Strings,
  api: Api,
  onPosted: (comment: PublicComment) => void,
): CommentForm {
  let parentId: string | null = null;
  let formToken: Promise<string | undefined> = api.formToken();
  let sending = false;

  const inputs = {} as Record<Field, HTMLInputElement | HTMLTextAreaElement>;
  const errors = {} as Record<Field, HTMLElement>;

  const field = (name: Field, label: string, type: string, required: boolean, autocomplete?: string) => {
    const id = `parley-${name}`;
    const errId = `parley-err-${name}`;
    const describedBy = name === 'email' ? `parley-note ${errId}` : errId;
    const attrs = { id, name, required, 'aria-describedby': describedBy, autocomplete };
    const input =
      type === 'textarea'
        ? h('textarea', { ...attrs, rows: 6 })
        : h('input', { ...attrs, type, spellcheck: type === 'text' ? null : 'false' });
    inputs[name] = input;
    errors[name] = h('p', { class: 'er', id: errId, 'aria-live': 'polite' });
    return h(
      'div',
      { class: 'fd' },
      h('label', { for: id }, label, required && ' ', required && h('span', { class: 'rq', 'aria-hidden': 'true' }, '*')),
      input,
      errors[name],
    );
  };

  const checkbox = (name: string, label: string) => {
    const input = h('input', { type: 'checkbox', id: `parley-${name}`, name });
    return [input, h('div', { class: 'ck' }, input, h('label', { for: `parley-${name}` }, label))] as const;
  };

  const title = h('h3', { id: 'parley-reply-title' }, t.leaveReply);
  const [notify, notifyRow] = checkbox('notifyReplies', t.notify);
  const [save, saveRow] = checkbox('save', t.save);
  const honeypot = h('input', { type: 'text', id: 'parley-hp', name: 'hp', tabindex: -1, autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'bt' }, t.submit);
  const cancel = h('button', { type: 'button', class: 'bt2', hidden: true, onclick: () => goHome(true) }, t.cancelReply);
  const status = h('p', { class: 'st', role: 'status', 'aria-live': 'polite' });

  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'parley-reply-title', onsubmit: (e: Event) => void send(e) },
    title,
    h('p', { class: 'nt', id: 'parley-note' }, t.emailNote, ' ', h('a', { href: `${cfg.apiBase}/privacy/${encodeURIComponent(cfg.site)}?lang=${cfg.lang}`, target: '_blank', rel: 'noopener' }, t.yourData)),
    field('name', t.name, 'text', true, 'name'),
    field('email', t.email, 'email', true, 'email'),
    field('website', t.website, 'url', false, 'url'),
    field('body', t.comment, 'textarea', true),
    notifyRow,
    saveRow,
    h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', { for: 'parley-hp' }, t.honeypot), honeypot),
    h('div', { class: 'ac' }, submit, cancel),
    status,
    formatHelp(t),
  );
  // The wrapper moves between `home` (under the thread) and a comment's reply slot.
  const wrapper = h('div', { class: 'fw', id: 'parley-respond' }, form);
  const home = h('div', null, wrapper);

  const saved = savedAuthor();
  if (saved) {
    inputs.name.value = saved.name;
    inputs.email.value = saved.email;
    inputs.website.value = saved.website;
    save.checked = true;
  }

  function goHome(focusBody: boolean) {
    parentId = null;
    title.textContent = t.leaveReply;
    cancel.hidden = true;
    home.append(wrapper);
    if (focusBody) inputs.body.focus();
  }

  function setStatus(text: string, bad = false) {
    status.textContent = text;
    status.className = bad ? 'st bad' : 'st';
  }

  function clearErrors() {
    for (const f of FIELDS) {
      errors[f].textContent = '';
      inputs[f].removeAttribute('aria-invalid');
    }
    setStatus('');
  }

  /** Field errors go beside their fields; anything without a field goes to the status line. */
  function showErrors(fields: Record<string, string>, summary: string) {
    const loose: string[] = [];
    let first: HTMLElement | null = null;
    for (const [key, message] of Object.entries(fields)) {
      const f = (key === 'comment' ? 'body' : key) as Field;
      if (!FIELDS.includes(f)) {
        loose.push(message);
        continue;
      }
      errors[f].textContent = message;
      inputs[f].setAttribute('aria-invalid', 'true');
      first ??= inputs[f];
    }
    setStatus([summary, ...loose].join(' '), true);
    first?.focus();
  }

  function setSending(on: boolean) {
    sending = on;
    submit.disabled = on;
    submit.textContent = on ? t.sending : t.submit;
    form.setAttribute('aria-busy', String(on));
  }

  async function send(e: Event) {
    e.preventDefault();
    if (sending) return;
    clearErrors();
    const v = Object.fromEntries(FIELDS.map((f) => [f, inputs[f].value.trim()])) as Record<Field, string>;
    const missing: Record<string, string> = {};
    for (const f of ['name', 'email', 'body'] as const) if (!v[f]) missing[f] = t.required;
    if (Object.keys(missing).length) return showErrors(missing, t.fixErrors);

    setSending(true);
    try {
      const token = await formToken;
      const res = await api.post(
        {
          page: cfg.page,
          pageUrl: cfg.pageUrl,
          pageTitle: cfg.pageTitle,
          parentId,
          name: v.name,
          email: v.email,
          website: v.website || undefined,
          body: inputs.body.value,
          notifyReplies: notify.checked,
          hp: honeypot.value,
          formToken: token,
        },
        ownerTokens(cfg.site),
      );
      if (res.ownerToken) {
        addOwnerToken(cfg.site, res.ownerToken);
        rememberMine(cfg.site, res.comment.id, res.ownerToken, res.comment.editableUntil, inputs.body.value);
      }
      saveAuthor(save.checked ? { name: v.name, email: v.email, website: v.website } : null);
      inputs.body.value = '';
      goHome(false);
      onPosted(res.comment);
      setStatus(res.comment.status === 'approved' ? t.published : t.posted);
      formToken = api.formToken();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        showErrors(err.fields, t.fixErrors);
        if ('formToken' in err.fields) formToken = api.formToken();
      } else {
        setStatus(err instanceof ApiError && err.code !== 'network' ? err.message : t.sendError, true);
      }
    } finally {
      setSending(false);
    }
  }

  return {
    el: home,
    home: () => goHome(false),
    replyTo(comment, slot) {
      parentId = comment.id;
      title.textContent = t.replyTo(comment.name);
      cancel.hidden = false;
      clearErrors();
      slot.append(wrapper);
      inputs.body.focus();
    },
  };
}
