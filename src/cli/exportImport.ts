import fs from 'node:fs';
import { z } from 'zod';
import type { AppContext } from '../context';
import { Prisma } from '../generated/prisma/client';
import { forgetCachedSite } from '../sites/siteRepository';
import { CliError, type CliIo } from './cliIo';
import { noMorePositionals, parseCommandArgs, requirePositional } from './parseCommandArgs';

export const EXPORT_USAGE = `Usage:
  parley export <site> [--file <path>] [--force]
      writes the site, its pages and its comments (with authors' emails) as JSON,
      to the file (created readable by you only) or to standard output
  parley import <path>
      loads an export; comments already present (same id) are skipped, so it can run again safely`;

export const EXPORT_FORMAT = 'parley-site-export';
export const EXPORT_VERSION = 1;

const date = z.coerce.date();
const nullableDate = z.coerce.date().nullable();

const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: date,
  site: z.object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    name: z.string().min(1),
    allowedOrigins: z.array(z.string()),
    settings: z.record(z.string(), z.unknown()),
    createdAt: date,
  }),
  pages: z.array(
    z.object({
      id: z.uuid(),
      key: z.string().min(1),
      url: z.string().nullable(),
      title: z.string().nullable(),
      closed: z.boolean(),
      createdAt: date,
    }),
  ),
  comments: z.array(
    z.object({
      id: z.uuid(),
      pageId: z.uuid(),
      parentId: z.uuid().nullable(),
      rootId: z.uuid().nullable(),
      depth: z.number().int().min(0),
      name: z.string(),
      email: z.string(),
      website: z.string().nullable(),
      body: z.string(),
      status: z.enum(['pending', 'approved', 'rejected', 'spam', 'deleted']),
      reasons: z.array(z.string()),
      spamScore: z.number().nullable(),
      trainedAs: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      ownerTokenHash: z.string(),
      fingerprint: z.string(),
      notifyReplies: z.boolean(),
      createdAt: date,
      updatedAt: date,
      moderatedAt: nullableDate,
      moderatedById: z.uuid().nullable(),
    }),
  ),
});

export type SiteExport = z.infer<typeof exportSchema>;

/** Everything needed to rebuild a site's public threads and moderation state elsewhere. */
export async function buildSiteExport(ctx: AppContext, siteId: string): Promise<SiteExport> {
  const site = await ctx.prisma.site.findUnique({ where: { id: siteId } });
  if (!site) throw new CliError(`No site "${siteId}". "parley site list" shows the sites.`);
  const pages = await ctx.prisma.page.findMany({
    where: { siteId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, key: true, url: true, title: true, closed: true, createdAt: true },
  });
  // Parents before replies (depth first), so an import can insert in file order.
  const comments = await ctx.prisma.comment.findMany({
    where: { siteId },
    orderBy: [{ depth: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    omit: { siteId: true },
  });
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: ctx.now(),
    site: {
      id: site.id,
      name: site.name,
      allowedOrigins: site.allowedOrigins,
      settings: (site.settings ?? {}) as Record<string, unknown>,
      createdAt: site.createdAt,
    },
    pages,
    comments,
  };
}

export async function exportCommand(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    args,
    { file: { type: 'string' }, force: { type: 'boolean' } },
    EXPORT_USAGE,
  );
  const siteId = requirePositional(positionals, 0, 'site id', EXPORT_USAGE);
  noMorePositionals(positionals, 1, EXPORT_USAGE);
  const data = await buildSiteExport(ctx, siteId);
  const json = JSON.stringify(data, null, 2);
  if (!values.file) {
    io.out(json);
    return;
  }
  try {
    // It holds readers' emails: readable by the operator only, and never silently overwritten.
    fs.writeFileSync(values.file, `${json}\n`, { mode: 0o600, flag: values.force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${values.file} already exists. Choose another file, or add --force to replace it.`);
    }
    throw new CliError(`Could not write ${values.file}: ${(err as Error).message}`);
  }
  io.out(
    `Exported site "${siteId}": ${data.pages.length} page(s), ${data.comments.length} comment(s) to ${values.file}.` +
      ' It contains readers\' email addresses: keep it private.',
  );
}

export interface ImportResult {
  siteCreated: boolean;
  pagesCreated: number;
  commentsImported: number;
  commentsSkipped: number;
}

export async function importCommand(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { positionals } = parseCommandArgs(args, {}, EXPORT_USAGE);
  const file = requirePositional(positionals, 0, 'file to import', EXPORT_USAGE);
  noMorePositionals(positionals, 1, EXPORT_USAGE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`Could not read ${file} as JSON: ${(err as Error).message}`);
  }
  const parsed = exportSchema.safeParse(raw);
  if (!parsed.success) {
    // Paths and messages only: a value could be an email.
    const issues = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new CliError(`${file} is not a Parley export (format ${EXPORT_FORMAT}, version ${EXPORT_VERSION}):\n${issues.join('\n')}`);
  }
  const result = await importSiteExport(ctx, parsed.data);
  const s = parsed.data.site.id;
  io.out(
    `${result.siteCreated ? `Created site "${s}"` : `Site "${s}" exists (its name, origins and settings were kept)`}; ` +
      `${result.pagesCreated} new page(s); ${result.commentsImported} comment(s) imported, ` +
      `${result.commentsSkipped} already present.`,
  );
}

const BATCH = 500;

/** Idempotent: the site and pages are matched by id and key, comments by id; nothing present is changed. */
export async function importSiteExport(ctx: AppContext, data: SiteExport): Promise<ImportResult> {
  const siteId = data.site.id;
  const pageIds = new Set(data.pages.map((p) => p.id));
  const commentIds = new Set(data.comments.map((c) => c.id));
  for (const c of data.comments) {
    if (!pageIds.has(c.pageId)) throw new CliError(`Comment ${c.id} names page ${c.pageId}, which is not in the file.`);
  }

  const result = await ctx.prisma.$transaction(
    async (tx) => {
      const out: ImportResult = { siteCreated: false, pagesCreated: 0, commentsImported: 0, commentsSkipped: 0 };
      const site = await tx.site.findUnique({ where: { id: siteId }, select: { id: true } });
      if (!site) {
        await tx.site.create({
          data: {
            id: siteId,
            name: data.site.name,
            allowedOrigins: data.site.allowedOrigins,
            settings: data.site.settings as Prisma.InputJsonObject,
            createdAt: data.site.createdAt,
          },
        });
        out.siteCreated = true;
      }

      // A page is the same page if it has the same key on the site; its id here may differ from the file's.
      const pageIdMap = new Map<string, string>();
      const existingPages = await tx.page.findMany({
        where: { siteId, key: { in: data.pages.map((p) => p.key) } },
        select: { id: true, key: true },
      });
      const byKey = new Map(existingPages.map((p) => [p.key, p.id]));
      for (const p of data.pages) {
        const existing = byKey.get(p.key);
        if (existing) {
          pageIdMap.set(p.id, existing);
          continue;
        }
        const idTaken = await tx.page.findUnique({ where: { id: p.id }, select: { id: true } });
        const created = await tx.page.create({
          data: {
            ...(idTaken ? {} : { id: p.id }),
            siteId,
            key: p.key,
            url: p.url,
            title: p.title,
            closed: p.closed,
            createdAt: p.createdAt,
          },
          select: { id: true },
        });
        pageIdMap.set(p.id, created.id);
        byKey.set(p.key, created.id);
        out.pagesCreated++;
      }

      const present = new Set<string>();
      const ids = [...commentIds];
      for (let i = 0; i < ids.length; i += BATCH) {
        const rows = await tx.comment.findMany({ where: { id: { in: ids.slice(i, i + BATCH) } }, select: { id: true } });
        for (const r of rows) present.add(r.id);
      }
      const moderatorIds = [...new Set(data.comments.map((c) => c.moderatedById).filter((id): id is string => !!id))];
      const knownModerators = new Set(
        (await tx.moderator.findMany({ where: { id: { in: moderatorIds } }, select: { id: true } })).map((m) => m.id),
      );
      const missingParents = data.comments.filter((c) => c.parentId && !commentIds.has(c.parentId) && !present.has(c.parentId));
      if (missingParents.length) {
        const parentIds = [...new Set(missingParents.map((c) => c.parentId!))];
        const found = await tx.comment.findMany({ where: { id: { in: parentIds } }, select: { id: true } });
        for (const f of found) present.add(f.id);
        const absent = missingParents.find((c) => !present.has(c.parentId!));
        if (absent) throw new CliError(`Comment ${absent.id} answers ${absent.parentId}, which is neither in the file nor here.`);
      }

      // The file is in depth order (parents first); keep that order so every parent exists before its replies.
      const toInsert = [...data.comments]
        .sort((a, b) => a.depth - b.depth)
        .filter((c) => !present.has(c.id));
      out.commentsSkipped = data.comments.length - toInsert.length;
      for (let i = 0; i < toInsert.length; i += BATCH) {
        const batch = toInsert.slice(i, i + BATCH).map((c) => ({
          ...c,
          siteId,
          pageId: pageIdMap.get(c.pageId)!,
          moderatedById: c.moderatedById && knownModerators.has(c.moderatedById) ? c.moderatedById : null,
        }));
        const inserted = await tx.comment.createMany({ data: batch, skipDuplicates: true });
        out.commentsImported += inserted.count;
        out.commentsSkipped += batch.length - inserted.count;
      }

      // Approved counts and thread versions are derived data: recompute them for the pages touched.
      const touched = [...new Set(pageIdMap.values())];
      if (touched.length && out.commentsImported) {
        await tx.$executeRaw`
          UPDATE "Page" p SET "approvedCount" = (
              SELECT count(*) FROM "Comment" c WHERE c."pageId" = p.id AND c.status = 'approved'),
            version = p.version + 1
          WHERE p.id = ANY(${touched}::uuid[])`;
      }
      return out;
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );
  forgetCachedSite(ctx, siteId);
  return result;
}
