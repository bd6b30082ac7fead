import { pickLang, type Lang } from './strings';

/** What one mounted widget needs to know, read from its div and its own <script> tag. */
export interface WidgetConfig {
  apiBase: string;
  site: string;
  page: string;
  pageUrl: string;
  pageTitle: string;
  lang: Lang;
  theme: 'light' | 'dark' | 'auto';
}

/** "https://comments.example/parley/widget.js?v=3" -> "https://comments.example/parley". */
export function apiBaseFromScriptSrc(src: string): string {
  const url = new URL(src);
  const dir = url.pathname.replace(/\/[^/]*$/, '');
  return `${url.origin}${dir}`;
}

export function readConfig(el: HTMLElement, scriptSrc: string): WidgetConfig | null {
  const d = el.dataset;
  const site = d.site?.trim();
  if (!site) return null;
  const here = new URL(location.href);
  here.hash = '';
  return {
    apiBase: (d.api?.replace(/\/$/, '') || apiBaseFromScriptSrc(scriptSrc)),
    site,
    page: d.page?.trim() || location.pathname,
    pageUrl: d.pageUrl || here.href,
    pageTitle: d.pageTitle || document.title,
    lang: pickLang(d.lang, el.closest('[lang]')?.getAttribute('lang'), document.documentElement.lang),
    theme: d.theme === 'light' || d.theme === 'dark' ? d.theme : 'auto',
  };
}
