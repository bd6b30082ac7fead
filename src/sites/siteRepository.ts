import type { AppContext } from '../context';
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
type SiteCache = Map<string, { site: SiteRecord | null; expires: number }>;
// One cache per database client, so two apps on two databases in one process never mix.
const caches = new WeakMap<object, SiteCache>();

function cacheFor(ctx: AppContext): SiteCache {
  let cache = caches.get(ctx.prisma);
  if (!cache) caches.set(ctx.prisma, (cache = new Map()));
  return cache;
}

export async function findSite(ctx: AppContext, siteId: string): Promise<SiteRecord | null> {
  const cache = cacheFor(ctx);
  const key = siteId;
  const hit = cache.get(key);
  const now = Date.now();
  if (hit && hit.expires > now) return hit.site;
  const row = await ctx.prisma.site.findUnique({ where: { id: siteId } });
  const site = row
    ? { id: row.id, name: row.name, allowedOrigins: row.allowedOrigins, settings: parseSiteSettings(row.settings) }
    : null;
  cache.set(key, { site, expires: now + SITE_CACHE_MS });
  if (cache.size > 10_000) cache.clear();
  return site;
}

export async function getSite(ctx: AppContext, siteId: string): Promise<SiteRecord> {
  const site = await findSite(ctx, siteId);
  if (!site) throw errors.notFound('Site');
  return site;
}

/** Call after changing a site, so this instance sees the change at once. */
export function forgetCachedSite(ctx: AppContext, siteId: string): void {
  cacheFor(ctx).delete(siteId);
}
