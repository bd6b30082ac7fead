import { setCsrfToken } from './api';
import type { CommentList } from './commentList';
import { mountCommentPage } from './commentPage';
import { h } from './dom';
import { bindShortcuts, helpDialog } from './keyboard';
import { applyStoredTheme, readShell, renderChrome, SITE_SECTIONS, type SiteSection } from './layout';
import { mountQueue } from './queuePage';
import { mountSitePage } from './sitePages';
import { stringsFor } from './strings';

/**
 * The console's one script. The server sends a small HTML shell per page with data attributes
 * (page kind, language, CSRF token, the moderator's sites); this renders the page into it.
 */
applyStoredTheme();

function start(): void {
  const shell = readShell(document.body);
  const t = stringsFor(shell.lang);
  setCsrfToken(shell.csrf);
  if (shell.page === 'forbidden') {
    renderChrome(shell, t);
    return;
  }
  const { announce, main } = renderChrome(shell, t);
  const help = helpDialog(t);
  document.body.append(help);
  document.addEventListener('click', (e) => {
    if ((e.target as Element | null)?.closest?.('[data-help]')) help.showModal();
  });
  let list: CommentList | null = null;
  bindShortcuts(() => list, help);

  main.replaceChildren();
  if (shell.page === 'queue') {
    const q = mountQueue(main, shell, t, announce, { heading: t.queueTitle });
    list = q.list();
  } else if (shell.page === 'comment') {
    void mountCommentPage(main, shell, t, announce).then((l) => (list = l));
  } else if ((SITE_SECTIONS as readonly string[]).includes(shell.page)) {
    void mountSitePage(main, shell, t, announce, shell.page as SiteSection).then((l) => (list = l));
  } else {
    main.append(h('p', null, shell.page));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
