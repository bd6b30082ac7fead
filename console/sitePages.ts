import { api, ApiFailure, enc } from './api';
import { failureText } from './commentList';
import { h } from './dom';
import { siteNav, type Shell, type SiteSection } from './layout';
import { mountQueue } from './queuePage';
import type { CommentList } from './commentList';
import { describeReason } from './reasons';
import type { Lang, Strings } from './strings';
import { formatDate } from './time';

type Announce = (s: string) => void;

interface Settings {
  mode: 'pre' | 'post';
  maxLinks: number;
  holdWords: string[];
  blockWords: string[];
  autoApproveReturning: boolean;
  closeAfterDays: number | null;
  maxDepth: number;
  minSubmitSeconds: number;
  rateLimit: { perIp: { max: number; windowSeconds: number }; perEmail: { max: number; windowSeconds: number } };
  limits: { name: number; website: number; body: number };
  spamThreshold: number;
  spamHoldScore: number;
  requireFormToken: boolean;
}

interface SiteInfo {
  id: string;
  name: string;
  allowedOrigins: string[];
  settings?: Settings;
}

/** Site pages (admins): the server already refused non-admins with a 403 page before this runs. */
export async function mountSitePage(main: HTMLElement, shell: Shell, t: Strings, announce: Announce, section: SiteSection): Promise<CommentList | null> {
  const site = shell.sites.find((s) => s.id === shell.site);
  const body = h('div', { class: 'site-page' });
  main.replaceChildren(h('p', { class: 'site-name' }, site?.name ?? shell.site), siteNav(shell, t, section), body);
  const base = `/api/v1/moderation/sites/${enc(shell.site)}`;
  switch (section) {
    case 'settings':
      await settingsPage(body, base, t, shell.lang, announce);
      return null;
    case 'origins':
      await originsPage(body, base, shell, t, announce);
      return null;
    case 'bans':
      await bansPage(body, base, shell, t, announce);
      return null;
    case 'moderators':
      await moderatorsPage(body, base, shell, t, announce);
      return null;
    case 'notifications':
      await notificationsPage(body, shell, t, announce);
      return null;
    case 'spam': {
      body.append(h('h1', null, t.siteSpam));
      await spamCounts(body, base, shell, t);
      const { list } = mountQueue(body, shell, t, announce, { fixed: { status: 'spam', site: shell.site }, heading: t.spamFolder, nested: true });
      return list();
    }
  }
}

/** A labelled input; `id` ties label and control together. */
function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  if (!control.id) control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint' }, hint) : null);
}

function numberInput(value: number | null, min: number, max: number, step = '1'): HTMLInputElement {
  return h('input', { type: 'number', min: String(min), max: String(max), step, value: value === null ? '' : String(value), inputmode: 'decimal' });
}

function checkbox(id: string, label: string, checked: boolean): { el: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', id });
  input.checked = checked;
  return { el: h('div', { class: 'check' }, input, h('label', { for: id }, label)), input };
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

async function loadOrReport<T>(body: HTMLElement, t: Strings, path: string): Promise<T | null> {
  try {
    return await api<T>('GET', path);
  } catch (err) {
    body.append(h('p', { class: 'error' }, failureText(t, err)));
    return null;
  }
}

async function settingsPage(body: HTMLElement, base: string, t: Strings, lang: Lang, announce: Announce): Promise<void> {
  body.append(h('h1', null, t.siteSettings));
  const [siteRes, res] = await Promise.all([
    api<{ site: SiteInfo }>('GET', base).catch(() => null),
    loadOrReport<{ settings: Settings }>(body, t, `${base}/settings`),
  ]);
  if (!res) return;
  const s = res.settings;
  const name = h('input', { type: 'text', value: siteRes?.site.name ?? '', maxlength: '200' });
  const pre = h('input', { type: 'radio', name: 'mode', id: 's-mode-pre', value: 'pre' });
  const post = h('input', { type: 'radio', name: 'mode', id: 's-mode-post', value: 'post' });
  pre.checked = s.mode === 'pre';
  post.checked = s.mode === 'post';
  const maxLinks = numberInput(s.maxLinks, 0, 100);
  const hold = h('textarea', { rows: 4 });
  hold.value = s.holdWords.join('\n');
  const block = h('textarea', { rows: 4 });
  block.value = s.blockWords.join('\n');
  const auto = checkbox('s-auto', t.set_autoApprove, s.autoApproveReturning);
  const closeAfter = numberInput(s.closeAfterDays, 1, 36_500);
  const depth = numberInput(s.maxDepth, 0, 10);
  const minSubmit = numberInput(s.minSubmitSeconds, 0, 600);
  const ipMax = numberInput(s.rateLimit.perIp.max, 1, 1_000_000);
  const ipWin = numberInput(s.rateLimit.perIp.windowSeconds, 1, 86_400);
  const emMax = numberInput(s.rateLimit.perEmail.max, 1, 1_000_000);
  const emWin = numberInput(s.rateLimit.perEmail.windowSeconds, 1, 86_400);
  const limName = numberInput(s.limits.name, 1, 200);
  const limWeb = numberInput(s.limits.website, 10, 2000);
  const limBody = numberInput(s.limits.body, 1, 100_000);
  const threshold = numberInput(s.spamThreshold, 0.5, 1, '0.01');
  const holdScore = numberInput(s.spamHoldScore, 0, 1, '0.01');
  const token = checkbox('s-token', t.set_requireToken, s.requireFormToken);
  const status = h('p', { class: 'form-status', role: 'status' });

  const form = h(
    'form',
    { class: 'settings', novalidate: true },
    siteRes ? field('s-name', t.siteName, name) : null,
    h(
      'fieldset',
      null,
      h('legend', null, t.set_mode),
      h('div', { class: 'radio' }, pre, h('label', { for: 's-mode-pre' }, t.set_mode_pre)),
      h('div', { class: 'radio' }, post, h('label', { for: 's-mode-post' }, t.set_mode_post)),
    ),
    field('s-links', t.set_maxLinks, maxLinks),
    field('s-hold', t.set_holdWords, hold),
    field('s-block', t.set_blockWords, block),
    auto.el,
    field('s-close', t.set_closeAfter, closeAfter),
    field('s-depth', t.set_maxDepth, depth),
    field('s-min', t.set_minSubmit, minSubmit),
    h('fieldset', { class: 'pair' }, h('legend', null, t.set_floodIp), field('s-ipmax', t.set_max, ipMax), field('s-ipwin', t.set_window, ipWin)),
    h('fieldset', { class: 'pair' }, h('legend', null, t.set_floodEmail), field('s-emmax', t.set_max, emMax), field('s-emwin', t.set_window, emWin)),
    h('fieldset', { class: 'pair' }, h('legend', null, t.set_limits), field('s-lname', t.set_limitName, limName), field('s-lweb', t.set_limitWebsite, limWeb), field('s-lbody', t.set_limitBody, limBody)),
    field('s-threshold', t.set_spamThreshold, threshold),
    field('s-holdscore', t.set_spamHold, holdScore),
    token.el,
    h('button', { type: 'submit', class: 'primary' }, t.save),
    status,
  );
  const num = (i: HTMLInputElement) => Number(i.value);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.textContent = '';
    const patch = {
      mode: post.checked ? 'post' : 'pre',
      maxLinks: num(maxLinks),
      holdWords: lines(hold.value),
      blockWords: lines(block.value),
      autoApproveReturning: auto.input.checked,
      closeAfterDays: closeAfter.value.trim() === '' ? null : num(closeAfter),
      maxDepth: num(depth),
      minSubmitSeconds: num(minSubmit),
      rateLimit: { perIp: { max: num(ipMax), windowSeconds: num(ipWin) }, perEmail: { max: num(emMax), windowSeconds: num(emWin) } },
      limits: { name: num(limName), website: num(limWeb), body: num(limBody) },
      spamThreshold: num(threshold),
      spamHoldScore: num(holdScore),
      requireFormToken: token.input.checked,
    };
    try {
      await api('PATCH', `${base}/settings`, patch);
      if (siteRes && name.value.trim() && name.value.trim() !== siteRes.site.name) {
        await api('PATCH', base, { name: name.value.trim() });
        siteRes.site.name = name.value.trim();
      }
    } catch (err) {
      status.textContent = failureText(t, err);
      status.className = 'form-status error';
      markInvalid(err, fieldsByPath);
      return;
    }
    markInvalid(null, fieldsByPath);
    status.className = 'form-status ok';
    status.textContent = t.saved;
    announce(t.saved);
  });
  // The server names a bad setting by its path ("rateLimit.perIp.max"): mark that field for assistive tech too.
  const fieldsByPath: Record<string, HTMLElement> = {
    name, mode: pre, maxLinks, holdWords: hold, blockWords: block, closeAfterDays: closeAfter, maxDepth: depth, minSubmitSeconds: minSubmit,
    'rateLimit.perIp.max': ipMax, 'rateLimit.perIp.windowSeconds': ipWin, 'rateLimit.perEmail.max': emMax, 'rateLimit.perEmail.windowSeconds': emWin,
    'limits.name': limName, 'limits.website': limWeb, 'limits.body': limBody, spamThreshold: threshold, spamHoldScore: holdScore,
  };
  status.id = 'settings-status';
  body.append(form, rulesTry(base, t, lang));
}

/** Sets aria-invalid (and points to the status message) on the fields a 400 named; clears the others. */
function markInvalid(err: unknown, fields: Record<string, HTMLElement>): void {
  const bad = err instanceof ApiFailure ? Object.keys(err.error.fields ?? {}) : [];
  for (const [path, el] of Object.entries(fields)) {
    const invalid = bad.some((b) => b === path || b.startsWith(`${path}.`) || path.startsWith(`${b}.`));
    if (invalid) {
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', 'settings-status');
    } else {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    }
  }
  const first = Object.entries(fields).find(([, el]) => el.getAttribute('aria-invalid') === 'true');
  first?.[1].focus();
}

/** "Try the rules": the saved settings judge a sample comment (POST …/rules/test stores nothing). */
function rulesTry(base: string, t: Strings, lang: Lang): HTMLElement {
  const text = h('textarea', { rows: 3 });
  const name = h('input', { type: 'text', autocomplete: 'off' });
  const out = h('div', { class: 'try-result', role: 'status' });
  const form = h(
    'form',
    { class: 'settings', 'aria-labelledby': 'h-try' },
    h('h2', { id: 'h-try' }, t.tryTitle),
    h('p', { class: 'hint' }, t.tryHelp),
    field('try-body', t.set_limitBody, text),
    field('try-name', t.name, name),
    h('button', { type: 'submit' }, t.tryButton),
    out,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api<{ status: string; reasons: string[] }>('POST', `${base}/rules/test`, { body: text.value, ...(name.value.trim() ? { name: name.value.trim() } : {}) });
      out.replaceChildren(
        h('p', null, h('strong', null, t.tryOutcome(t[`st_${r.status}` as 'st_pending'] ?? r.status))),
        r.reasons.length ? h('ul', null, r.reasons.map((code) => h('li', { 'data-code': code }, describeReason(code, lang)))) : h('p', null, t.noReasons),
      );
    } catch (err) {
      out.replaceChildren(h('p', { class: 'error' }, failureText(t, err)));
    }
  });
  return form;
}

async function originsPage(body: HTMLElement, base: string, shell: Shell, t: Strings, announce: Announce): Promise<void> {
  body.append(h('h1', null, t.siteOrigins));
  const res = await loadOrReport<{ site: SiteInfo }>(body, t, base);
  if (!res) return;
  const area = h('textarea', { rows: 5, spellcheck: 'false', autocapitalize: 'off' });
  area.value = res.site.allowedOrigins.join('\n');
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h('form', { class: 'settings' }, field('o-origins', t.originsLabel, area, t.originsHelp), h('button', { type: 'submit', class: 'primary' }, t.save), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const out = await api<{ site: SiteInfo }>('PATCH', base, { allowedOrigins: lines(area.value) });
      area.value = out.site.allowedOrigins.join('\n');
    } catch (err) {
      status.className = 'form-status error';
      status.textContent = failureText(t, err);
      return;
    }
    status.className = 'form-status ok';
    status.textContent = t.saved;
    announce(t.saved);
  });

  const snippet = `<div id="parley" data-site="${shell.site}" data-page="/path/of/the/article"></div>\n<script src="${location.origin}/widget.js" async></script>`;
  const code = h('pre', { class: 'snippet', id: 'snippet', tabindex: '0' }, h('code', null, snippet));
  const copied = h('span', { role: 'status', class: 'form-status' });
  const copy = h('button', { type: 'button' }, t.copy);
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(snippet);
    } catch {
      // No clipboard permission (plain http): select the text so Ctrl+C copies it.
      getSelection()?.selectAllChildren(code);
    }
    copied.textContent = t.copied;
  });
  body.append(form, h('section', { 'aria-labelledby': 'h-snippet' }, h('h2', { id: 'h-snippet' }, t.snippet), h('p', null, t.snippetHelp), code, h('div', { class: 'row' }, copy, copied)));
}

interface Ban {
  id: string;
  kind: 'email' | 'ip' | 'name';
  value: string;
  reason: string | null;
  expiresAt: string | null;
}

async function bansPage(body: HTMLElement, base: string, shell: Shell, t: Strings, announce: Announce): Promise<void> {
  body.append(h('h1', null, t.siteBans));
  const table = h('div', { class: 'table-wrap' });
  const render = async () => {
    const res = await loadOrReport<{ bans: Ban[] }>(table, t, `${base}/bans`);
    if (!res) return;
    if (res.bans.length === 0) return table.replaceChildren(h('p', null, t.noBans));
    table.replaceChildren(
      h(
        'table',
        null,
        h('caption', null, t.bansActive),
        h('thead', null, h('tr', null, [t.kind, t.value, t.reason, t.expires, ''].map((x) => h('th', { scope: 'col' }, x)))),
        h(
          'tbody',
          null,
          res.bans.map((b) => {
            const remove = h('button', { type: 'button', 'aria-label': `${t.remove} ${b.value}` }, t.remove);
            remove.addEventListener('click', async () => {
              try {
                await api('DELETE', `${base}/bans/${enc(b.id)}`);
              } catch (err) {
                return announce(failureText(t, err));
              }
              await render();
            });
            return h('tr', null, h('td', null, b.kind), h('td', { class: 'wrap' }, b.value), h('td', null, b.reason ?? ''), h('td', null, b.expiresAt ? formatDate(b.expiresAt, shell.lang) : t.never), h('td', null, remove));
          }),
        ),
      ),
    );
  };
  const kind = h('select', null, ['email', 'ip', 'name'].map((k) => h('option', { value: k }, k)));
  const value = h('input', { type: 'text', required: true });
  const reason = h('input', { type: 'text' });
  const expires = h('input', { type: 'date' });
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h(
    'form',
    { class: 'settings' },
    h('h2', null, t.addBan),
    field('b-kind', t.kind, kind),
    field('b-value', t.value, value),
    field('b-reason', t.banReason, reason),
    field('b-exp', t.expiresAt, expires),
    h('button', { type: 'submit', class: 'primary' }, t.ban),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', `${base}/bans`, {
        kind: kind.value,
        value: value.value,
        reason: reason.value.trim() || null,
        expiresAt: expires.value ? new Date(`${expires.value}T23:59:59`).toISOString() : null,
      });
    } catch (err) {
      status.className = 'form-status error';
      status.textContent = failureText(t, err);
      return;
    }
    value.value = '';
    reason.value = '';
    status.className = 'form-status ok';
    status.textContent = t.banned;
    await render();
  });
  body.append(table, form);
  await render();
}

interface Member {
  id: string;
  name: string;
  /** Sent to the site's admins only. */
  email?: string;
  role: 'moderator' | 'admin';
}

async function moderatorsPage(body: HTMLElement, base: string, shell: Shell, t: Strings, announce: Announce): Promise<void> {
  body.append(h('h1', null, t.siteModerators));
  const table = h('div', { class: 'table-wrap' });
  const render = async () => {
    const res = await loadOrReport<{ moderators: Member[] }>(table, t, `${base}/moderators`);
    if (!res) return;
    table.replaceChildren(
      h(
        'table',
        null,
        h('caption', null, t.modsTitle),
        h('thead', null, h('tr', null, [t.name, t.email, t.role, ''].map((x) => h('th', { scope: 'col' }, x)))),
        h(
          'tbody',
          null,
          res.moderators.map((m) => {
            const me = m.id === shell.moderator.id;
            const role = h('select', { 'aria-label': `${t.role} ${m.name}` }, (['moderator', 'admin'] as const).map((r) => h('option', { value: r, selected: m.role === r }, t[`role_${r}`])));
            role.addEventListener('change', async () => {
              try {
                await api('PATCH', `${base}/moderators/${enc(m.id)}`, { role: role.value });
                announce(t.saved);
              } catch (err) {
                announce(failureText(t, err));
                role.value = m.role;
              }
            });
            const remove = h('button', { type: 'button', 'aria-label': `${t.remove} ${m.name}` }, t.remove);
            remove.addEventListener('click', async () => {
              try {
                await api('DELETE', `${base}/moderators/${enc(m.id)}`);
              } catch (err) {
                return announce(failureText(t, err));
              }
              await render();
            });
            return h('tr', null, h('td', null, m.name, me ? ` ${t.you}` : ''), h('td', { class: 'wrap' }, m.email ?? ''), h('td', null, role), h('td', null, remove));
          }),
        ),
      ),
    );
  };
  const name = h('input', { type: 'text', required: true, autocomplete: 'off' });
  const email = h('input', { type: 'email', required: true, autocomplete: 'off' });
  const role = h('select', null, (['moderator', 'admin'] as const).map((r) => h('option', { value: r }, t[`role_${r}`])));
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h(
    'form',
    { class: 'settings' },
    h('h2', null, t.inviteTitle),
    field('m-name', t.name, name),
    field('m-email', t.email, email),
    field('m-role', t.role, role),
    h('button', { type: 'submit', class: 'primary' }, t.invite),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', `${base}/moderators`, { name: name.value, email: email.value, role: role.value });
    } catch (err) {
      status.className = 'form-status error';
      status.textContent = failureText(t, err);
      return;
    }
    name.value = '';
    email.value = '';
    status.className = 'form-status ok';
    status.textContent = t.invited;
    await render();
  });
  body.append(table, form);
  await render();
}

interface Job {
  id: string;
  kind: string;
  status: string;
  siteId: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
}

async function notificationsPage(body: HTMLElement, shell: Shell, t: Strings, announce: Announce): Promise<void> {
  body.append(h('h1', null, t.jobsTitle));
  const wrap = h('div', { class: 'table-wrap' });
  const render = async () => {
    const res = await loadOrReport<{ counts: Record<string, number>; jobs: Job[] }>(wrap, t, '/api/v1/moderation/jobs?status=dead&limit=200');
    if (!res) return;
    const jobs = res.jobs.filter((j) => j.siteId === shell.site);
    const counts = h('p', { class: 'counts' }, Object.entries(res.counts).map(([k, v]) => h('span', { class: 'pill' }, `${k}: ${v}`)));
    if (jobs.length === 0) return wrap.replaceChildren(counts, h('p', null, t.noDeadJobs));
    wrap.replaceChildren(
      counts,
      h(
        'table',
        null,
        h('caption', null, t.jobsDead),
        h('thead', null, h('tr', null, [t.jobKind, t.attempts, t.lastError, t.created, ''].map((x) => h('th', { scope: 'col' }, x)))),
        h(
          'tbody',
          null,
          jobs.map((j) => {
            const retry = h('button', { type: 'button', 'aria-label': `${t.retry} ${j.kind} ${j.id}` }, t.retry);
            retry.addEventListener('click', async () => {
              try {
                await api('POST', `/api/v1/moderation/jobs/${enc(j.id)}/retry`);
              } catch (err) {
                return announce(failureText(t, err));
              }
              announce(t.retried);
              await render();
            });
            return h('tr', null, h('td', null, j.kind), h('td', null, `${j.attempts}/${j.maxAttempts}`), h('td', { class: 'wrap' }, j.lastError ?? ''), h('td', null, formatDate(j.createdAt, shell.lang)), h('td', null, retry));
          }),
        ),
      ),
    );
  };
  body.append(wrap);
  await render();
}

async function spamCounts(body: HTMLElement, base: string, shell: Shell, t: Strings): Promise<void> {
  const section = h('section', { 'aria-labelledby': 'h-spamdays' }, h('h2', { id: 'h-spamdays' }, t.spamPerDay));
  body.append(section);
  let days: { date: string; spam: number; restored: number }[] = [];
  try {
    days = (await api<{ days: typeof days }>('GET', `${base}/spam/daily?days=30`)).days ?? [];
  } catch (err) {
    // The endpoint may not exist on an older server: an empty state, not an error.
    if (!(err instanceof ApiFailure) || err.error.status !== 404) section.append(h('p', { class: 'error' }, failureText(t, err)));
  }
  const active = days.filter((d) => d.spam > 0 || d.restored > 0).reverse(); // newest first, quiet days left out
  if (active.length === 0) {
    section.append(h('p', null, days.length ? t.noSpamInWindow(days.length) : t.noSpamStats));
    return;
  }
  const total = (k: 'spam' | 'restored') => days.reduce((n, d) => n + d[k], 0);
  const max = Math.max(1, ...active.map((d) => d.spam));
  section.append(
    h('p', { class: 'spam-total' }, t.spamTotals(total('spam'), total('restored'), days.length)),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'days' },
        h('thead', null, h('tr', null, [t.date, t.spamCount, t.restoredCount].map((x) => h('th', { scope: 'col' }, x)))),
        h(
          'tbody',
          null,
          active.map((d) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, new Intl.DateTimeFormat(shell.lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d.date}T00:00:00Z`))),
              // A <meter> draws the bar: no inline style needed, and it reads as a value.
              h('td', null, h('meter', { min: '0', max: String(max), value: String(d.spam), 'aria-hidden': 'true' }), ` ${d.spam}`),
              h('td', null, String(d.restored)),
            ),
          ),
        ),
      ),
    ),
  );
}
