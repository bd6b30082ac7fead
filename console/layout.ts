import { announcer, h } from './dom';
import type { Lang, Strings } from './strings';

/** What the server put on <body> for this page (see src/console/consoleShell.ts). */
export interface Shell {
  page: string;
  lang: Lang;
  csrf: string;
  site: string;
  comment: string;
  moderator: { id: string; name: string };
  sites: { id: string; name: string; role: 'moderator' | 'admin' }[];
  pollMs: number;
}

export function readShell(body: HTMLElement): Shell {
  const d = body.dataset;
  const parse = <T>(raw: string | undefined, fallback: T): T => {
    try {
      return raw ? (JSON.parse(raw) as T) : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    page: d.page ?? 'queue',
    lang: d.lang === 'fr' ? 'fr' : 'en',
    csrf: d.csrf ?? '',
    site: d.site ?? '',
    comment: d.comment ?? '',
    moderator: parse(d.moderator, { id: '', name: '' }),
    sites: parse(d.sites, []),
    pollMs: Number(d.pollMs) || 10_000,
  };
}

const THEME_KEY = 'parley.console.theme';

/** The stored theme choice wins over the system's; without one, CSS follows prefers-color-scheme. */
export function applyStoredTheme(): void {
  const stored = safeStorage()?.getItem(THEME_KEY);
  if (stored === 'dark' || stored === 'light') document.documentElement.dataset.theme = stored;
}

function isDark(): boolean {
  const set = document.documentElement.dataset.theme;
  if (set) return set === 'dark';
  return matchMedia('(prefers-color-scheme: dark)').matches;
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export const SITE_SECTIONS = ['settings', 'origins', 'bans', 'moderators', 'notifications', 'spam'] as const;
export type SiteSection = (typeof SITE_SECTIONS)[number];

export function sectionTitle(t: Strings, s: SiteSection): string {
  return {
    settings: t.siteSettings,
    origins: t.siteOrigins,
    bans: t.siteBans,
    moderators: t.siteModerators,
    notifications: t.siteNotifications,
    spam: t.siteSpam,
  }[s];
}

/** Header (brand, navigation, theme, language, sign out) and the live region; returns the announcer. */
export function renderChrome(shell: Shell, t: Strings): { announce: (text: string) => void; main: HTMLElement } {
  const header = document.getElementById('top')!;
  const nav = h('nav', { 'aria-label': t.appName, class: 'nav' });
  const link = (href: string, text: string, current: boolean) => h('a', { href, 'aria-current': current ? 'page' : null }, text);
  nav.append(link('/admin', t.queue, shell.page === 'queue'));
  for (const s of shell.sites.filter((x) => x.role === 'admin')) {
    nav.append(link(`/admin/sites/${encodeURIComponent(s.id)}/settings`, s.name, shell.site === s.id));
  }

  const theme = h('button', { type: 'button', class: 'toggle', 'aria-pressed': String(isDark()) }, t.themeToggle);
  theme.addEventListener('click', () => {
    const next = isDark() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    safeStorage()?.setItem(THEME_KEY, next);
    theme.setAttribute('aria-pressed', String(next === 'dark'));
  });
  const other: Lang = shell.lang === 'fr' ? 'en' : 'fr';
  const lang = h('button', { type: 'button', class: 'toggle', lang: other, title: t.langToggleTitle }, t.langToggle);
  lang.addEventListener('click', () => {
    document.cookie = `parley_console_lang=${other}; path=/admin; max-age=31536000; SameSite=Lax`;
    location.reload();
  });
  const signOut = h(
    'form',
    { method: 'post', action: '/admin/logout', class: 'signout' },
    h('input', { type: 'hidden', name: '_csrf', value: shell.csrf }),
    h('button', { type: 'submit' }, t.signOut),
  );
  header.replaceChildren(
    h('div', { class: 'bar' }, h('a', { class: 'brand', href: '/admin' }, t.appName), nav, h('div', { class: 'tools' }, h('span', { class: 'who' }, shell.moderator.name), theme, lang, signOut)),
  );
  const region = h('div', { class: 'live', role: 'status', 'aria-live': 'polite' });
  const main = document.getElementById('main')!;
  document.body.append(region);
  return { announce: announcer(region), main };
}

/** The site pages' second navigation: its six sections. */
export function siteNav(shell: Shell, t: Strings, section: SiteSection): HTMLElement {
  const site = shell.sites.find((s) => s.id === shell.site);
  return h(
    'nav',
    { class: 'subnav', 'aria-label': site?.name ?? shell.site },
    SITE_SECTIONS.map((s) =>
      h('a', { href: `/admin/sites/${encodeURIComponent(shell.site)}/${s}`, 'aria-current': s === section ? 'page' : null }, sectionTitle(t, s)),
    ),
  );
}
