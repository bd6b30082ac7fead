import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import type { AuthenticatedModerator } from '../http/moderatorAuth';
import { forgetCachedSite } from '../sites/siteRepository';
import { parseSiteSettings, siteSettingsSchema, type SiteSettings } from '../sites/siteSettings';

export function assertModerates(moderator: AuthenticatedModerator, siteId: string): void {
  if (!moderator.siteIds.includes(siteId)) throw errors.forbidden('You do not moderate this site.');
}

export async function readSiteSettings(ctx: AppContext, siteId: string): Promise<SiteSettings> {
  const row = await ctx.prisma.site.findUnique({ where: { id: siteId }, select: { settings: true } });
  if (!row) throw errors.notFound('Site');
  return parseSiteSettings(row.settings);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nested groups (limits, rateLimit) merge key by key; lists and plain values are replaced. */
function deepMerge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    out[key] = isObject(value) && isObject(base[key]) ? deepMerge(base[key] as Json, value) : value;
  }
  return out;
}

/**
 * Applies an already validated partial update (the raw request body, so that `{limits: {body: 500}}`
 * keeps the other limits) under a row lock, so two moderators editing at once do not lose a change.
 */
export async function updateSiteSettings(ctx: AppContext, siteId: string, patch: Json): Promise<SiteSettings> {
  const settings = await ctx.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ settings: unknown }[]>`SELECT "settings" FROM "Site" WHERE "id" = ${siteId} FOR UPDATE`;
    if (rows.length === 0) throw errors.notFound('Site');
    const current = parseSiteSettings(rows[0].settings);
    const merged = siteSettingsSchema.safeParse(deepMerge(current as unknown as Json, patch));
    if (!merged.success) throw errors.validation({ _: merged.error.issues[0]?.message ?? 'Invalid settings.' });
    await tx.site.update({ where: { id: siteId }, data: { settings: merged.data, updatedAt: ctx.now() } });
    return merged.data;
  });
  forgetCachedSite(ctx, siteId);
  return settings;
}

/** Adds and removes words (compared without regard to case or surrounding space), keeping list order. */
export function editWordList(list: readonly string[], edits: { add?: string[]; remove?: string[] } | undefined): string[] {
  if (!edits) return [...list];
  const key = (w: string) => w.trim().toLowerCase();
  const removed = new Set((edits.remove ?? []).map(key));
  const out = list.filter((w) => !removed.has(key(w)));
  const present = new Set(out.map(key));
  for (const word of edits.add ?? []) {
    if (!present.has(key(word))) {
      out.push(word.trim());
      present.add(key(word));
    }
  }
  return out;
}
