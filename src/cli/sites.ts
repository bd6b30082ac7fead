import type { AppContext } from '../context';
import type { Prisma } from '../generated/prisma/client';
import { forgetCachedSite } from '../sites/siteRepository';
import { parseSiteSettings, siteSettingsPatchSchema, siteSettingsSchema } from '../sites/siteSettings';
import { CliError, printTable, usageError, type CliIo } from './cliIo';
import { noMorePositionals, parseCommandArgs, requirePositional } from './parseCommandArgs';

export const SITE_USAGE = `Usage:
  parley site create <id> --name <name> [--origin <url>]... [--mode pre|post]
  parley site list
  parley site update <id> [--name <name>] [--origin <url>]... [--mode pre|post] [--settings '<json>']

  <id>        short slug: lowercase letters, digits and dashes (e.g. "demo")
  --origin    an origin allowed to embed the widget and call the API (repeat for several);
              on update, the given origins replace the whole list
  --settings  a JSON object of moderation settings to change, e.g. '{"maxLinks": 1, "holdWords": ["casino"]}'`;

/** The same rule as the public routes' site parameter (src/comments/commentSchemas.ts). */
const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export async function siteCommand(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create':
      return createSite(ctx, rest, io);
    case 'list':
      return listSites(ctx, rest, io);
    case 'update':
      return updateSite(ctx, rest, io);
    case undefined:
    case 'help':
    case '--help':
      io.out(SITE_USAGE);
      return;
    default:
      throw usageError(`Unknown site command "${sub}".`, SITE_USAGE);
  }
}

const siteOptions = {
  name: { type: 'string' },
  origin: { type: 'string', multiple: true },
  mode: { type: 'string' },
  settings: { type: 'string' },
} as const;

async function createSite(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, siteOptions, SITE_USAGE);
  const id = requirePositional(positionals, 0, 'site id', SITE_USAGE);
  noMorePositionals(positionals, 1, SITE_USAGE);
  if (!SITE_ID.test(id)) {
    throw usageError(`"${id}" is not a valid site id: use lowercase letters, digits and dashes (at most 63).`, SITE_USAGE);
  }
  const name = requireName(values.name);
  const allowedOrigins = (values.origin ?? []).map(parseOrigin);
  const patch = parseSettingsPatch(values.settings, values.mode);
  const settings = siteSettingsSchema.parse(patch);

  const existing = await ctx.prisma.site.findUnique({ where: { id }, select: { id: true } });
  if (existing) throw new CliError(`Site "${id}" already exists. Use "parley site update ${id}" to change it.`);
  await ctx.prisma.site.create({ data: { id, name, allowedOrigins: unique(allowedOrigins), settings: patch as Prisma.InputJsonObject } });
  forgetCachedSite(ctx, id);
  io.out(`Created site "${id}" (${name}), ${settings.mode}-moderated.`);
  if (!allowedOrigins.length) {
    io.out('No allowed origin yet: the widget will not load on any page until you add one with --origin.');
  }
}

async function listSites(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { positionals } = parseCommandArgs(args, {}, SITE_USAGE);
  noMorePositionals(positionals, 0, SITE_USAGE);
  const sites = await ctx.prisma.site.findMany({
    orderBy: { id: 'asc' },
    include: { _count: { select: { moderators: true, pages: true, comments: true } } },
  });
  if (!sites.length) {
    io.out('No sites yet. Create one with "parley site create <id> --name <name> --origin <url>".');
    return;
  }
  printTable(
    io,
    ['ID', 'NAME', 'MODE', 'MODERATORS', 'PAGES', 'COMMENTS', 'ORIGINS'],
    sites.map((s) => [
      s.id,
      s.name,
      parseSiteSettings(s.settings).mode,
      String(s._count.moderators),
      String(s._count.pages),
      String(s._count.comments),
      s.allowedOrigins.join(' ') || '-',
    ]),
  );
}

async function updateSite(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, siteOptions, SITE_USAGE);
  const id = requirePositional(positionals, 0, 'site id', SITE_USAGE);
  noMorePositionals(positionals, 1, SITE_USAGE);
  if (values.name === undefined && values.origin === undefined && values.settings === undefined && values.mode === undefined) {
    throw usageError('Nothing to update: give --name, --origin, --mode or --settings.', SITE_USAGE);
  }
  const site = await ctx.prisma.site.findUnique({ where: { id } });
  if (!site) throw new CliError(`No site "${id}". "parley site list" shows the sites.`);

  const data: { name?: string; allowedOrigins?: string[]; settings?: Prisma.InputJsonObject } = {};
  if (values.name !== undefined) data.name = requireName(values.name);
  if (values.origin !== undefined) data.allowedOrigins = unique(values.origin.map(parseOrigin));
  const patch = parseSettingsPatch(values.settings, values.mode);
  if (Object.keys(patch).length) {
    // Keep what is stored (only the changed keys are written), so defaults still evolve with new versions.
    const stored = isPlainObject(site.settings) ? site.settings : {};
    const merged = { ...stored, ...patch };
    const check = siteSettingsSchema.safeParse(merged);
    if (!check.success) throw new CliError(`The resulting settings are not valid:\n${formatIssues(check.error.issues)}`);
    data.settings = merged as Prisma.InputJsonObject;
  }
  const updated = await ctx.prisma.site.update({ where: { id }, data });
  forgetCachedSite(ctx, id);
  io.out(`Updated site "${id}".`);
  io.out(`  name:     ${updated.name}`);
  io.out(`  origins:  ${updated.allowedOrigins.join(' ') || '-'}`);
  io.out(`  settings: ${JSON.stringify(parseSiteSettings(updated.settings))}`);
  io.out('Other running instances see the change within a few seconds (their site cache).');
}

function requireName(name: string | undefined): string {
  const trimmed = name?.trim();
  if (!trimmed) throw usageError('A site needs a name: --name "My Newspaper".', SITE_USAGE);
  if (trimmed.length > 200) throw new CliError('The site name is too long (at most 200 characters).');
  return trimmed;
}

/** An origin is scheme://host[:port]; a full URL is reduced to its origin, so pasting a page address works. */
export function parseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new CliError(`"${value}" is not a URL. Give an origin such as https://news.example.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`"${value}" is not an http(s) origin. Give an origin such as https://news.example.`);
  }
  return url.origin;
}

function parseSettingsPatch(json: string | undefined, mode: string | undefined): Record<string, unknown> {
  let raw: unknown = {};
  if (json !== undefined) {
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw new CliError(`--settings is not valid JSON: ${(err as Error).message}`);
    }
    if (!isPlainObject(raw)) throw new CliError('--settings must be a JSON object, e.g. \'{"maxLinks": 1}\'.');
  }
  if (mode !== undefined) raw = { ...(raw as object), mode };
  const parsed = siteSettingsPatchSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`Invalid settings:\n${formatIssues(parsed.error.issues)}`);
  // Only the keys the operator gave are stored (not the defaults the schema fills in).
  return Object.fromEntries(Object.keys(raw as object).map((k) => [k, (parsed.data as Record<string, unknown>)[k]]));
}

function formatIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `  ${i.path.map(String).join('.') || '(settings)'}: ${i.message}`).join('\n');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
