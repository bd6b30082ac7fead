import type { AppContext } from '../context';
import { shortLivedCache } from '../db/shortLivedCache';
import { errors } from '../http/AppError';
import { parseSiteSettings, type SiteSettings } from './siteSettings';

export interface SiteRecord {
  id: string;
  name: string;
  allowedOrigins: string[];
  settings: SiteSettings;
}

/**
 * Sites are read on every public request, so each instance keeps them for a few seconds.
 * A settings change reaches other instances within SITE_CACHE_MS; this instance sees it at once.
 */
const SITE_CACHE_MS = 5_000;
const siteCache = shortLivedCache<SiteRecord | null>(SITE_CACHE_MS);

export async function findSite(ctx: AppContext, siteId: string): Promise<SiteRecord | null> {
  return siteCache.get(ctx.prisma, siteId, async () => {
    const row = await ctx.prisma.site.findUnique({ where: { id: siteId } });
    return row
      ? { id: row.id, name: row.name, allowedOrigins: row.allowedOrigins, settings: parseSiteSettings(row.settings) }
      : null;
  });
}

export async function getSite(ctx: AppContext, siteId: string): Promise<SiteRecord> {
  const site = await findSite(ctx, siteId);
  if (!site) throw errors.notFound('Site');
  return site;
}

/** Call after changing a site, so this instance sees the change at once. */
export function forgetCachedSite(ctx: AppContext, siteId: string): void {
  siteCache.forget(ctx.prisma, siteId);
}
