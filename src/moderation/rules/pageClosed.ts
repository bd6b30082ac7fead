import type { SiteSettings } from '../../sites/siteSettings';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A page takes no new comments once a moderator closed it, or `closeAfterDays` after it was first seen. */
export function isPageClosed(
  page: { createdAt: Date; closed: boolean },
  settings: Pick<SiteSettings, 'closeAfterDays'>,
  now: Date,
): boolean {
  if (page.closed) return true;
  if (settings.closeAfterDays === null) return false;
  return now.getTime() - page.createdAt.getTime() >= settings.closeAfterDays * DAY_MS;
}
