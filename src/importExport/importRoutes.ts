import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import { assertSiteAdmin, currentModerator, requireModerator } from '../http/moderatorAuth';
import { parseInput } from '../http/validate';
import { EXPORT_FORMATS, writeParleyExport, writeWxr, type ExportFormat } from './exportSite';
import { importComments } from './importComments';
import { IMPORT_FORMATS, ImportFormatError, type ImportFormat } from './importRecords';
import { recordsFrom } from './importSource';

export const importParams = z.object({
  site: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Unknown site.'),
});
export const importQuerySchema = z.object({
  format: z.enum(IMPORT_FORMATS as [ImportFormat, ...ImportFormat[]], { message: 'Choose format=wxr, disqus or parley.' }),
  /** true: check the file and count what would be imported, storing nothing. */
  dryRun: z.enum(['true', 'false']).optional(),
});
export const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]], { message: 'Choose format=parley or wxr.' }).default('parley'),
});
export const importResponseSchema = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  errors: z.array(z.string()),
  /** Present (true) when the request asked for a dry run: the counts are what would have been imported. */
  dryRun: z.literal(true).optional(),
});

const XML_TYPES = ['application/xml', 'text/xml', 'application/rss+xml', 'application/octet-stream', 'text/plain'];
const JSON_TYPES = ['application/json', 'application/octet-stream', 'text/plain'];

/**
 * POST /api/v1/moderation/sites/{site}/import?format=wxr|disqus|parley (site admins): the file is the raw
 * request body, read as a stream straight into the importer (no body parser, never held in memory), so the
 * server can take the import while it runs, which the CLI cannot do beside an embedded-mode server.
 * GET …/export?format=parley|wxr streams the site back out the same way.
 */
export function importRouter(ctx: AppContext): Router {
  const router = Router();
  router.post('/api/v1/moderation/sites/:site/import', requireModerator(ctx), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const { site } = parseInput(importParams, { site: req.params.site });
    assertSiteAdmin(currentModerator(res), site);
    const { format, dryRun } = parseInput(importQuerySchema, req.query);
    const type = req.headers['content-type'];
    if (type && !req.is(format === 'parley' ? JSON_TYPES : XML_TYPES)) {
      throw new AppError('unsupported_media_type', format === 'parley' ? 'Send the export as application/json.' : 'Send the file as application/xml.');
    }
    const max = ctx.config.importMaxBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) {
      res.setHeader('Connection', 'close');
      throw tooLarge(max);
    }

    let summary;
    try {
      summary = await importComments(ctx, recordsFrom(format, limitedBody(req, max)), { siteId: site, format, dryRun: dryRun === 'true' });
    } catch (err) {
      if (err instanceof ImportFormatError) throw new AppError('validation_failed', `${err.message} Nothing was imported.`);
      if (err instanceof AppError && err.code === 'payload_too_large') res.setHeader('Connection', 'close');
      throw err;
    }
    ctx.log.info({ site, format, dryRun: dryRun === 'true', moderatorId: currentModerator(res).id, imported: summary.imported, skipped: summary.skipped }, 'comments imported');
    res.json({ imported: summary.imported, skipped: summary.skipped, errors: summary.errors, ...(dryRun === 'true' ? { dryRun: true } : {}) });
  });

  // The export, for admins of a server whose CLI cannot reach the database (embedded mode). It holds emails.
  router.get('/api/v1/moderation/sites/:site/export', requireModerator(ctx), async (req, res) => {
    const { site } = parseInput(importParams, { site: req.params.site });
    assertSiteAdmin(currentModerator(res), site);
    const { format } = parseInput(exportQuerySchema, req.query);
    const counts = { pages: 0, comments: 0 };
    const body = format === 'wxr' ? writeWxr(ctx, site, counts) : writeParleyExport(ctx, site, counts);
    // The first chunk (the site's header) is read before answering, so a failure there is still a clean error.
    const first = await body.next();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', format === 'wxr' ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${site}-comments.${format === 'wxr' ? 'xml' : 'json'}"`);
    async function* all() {
      if (!first.done) yield first.value;
      yield* body;
    }
    try {
      await pipeline(Readable.from(all()), res);
    } catch (err) {
      // Too late for an error response: the client sees a cut-off file (and the log says why).
      ctx.log.warn({ site, format, err: (err as Error).message }, 'export interrupted');
      res.destroy();
      return;
    }
    ctx.log.info({ site, format, moderatorId: currentModerator(res).id, pages: counts.pages, comments: counts.comments }, 'comments exported');
  });
  return router;
}

function tooLarge(max: number): AppError {
  return new AppError('payload_too_large', `The file is larger than this server accepts (${Math.floor(max / 1024 / 1024) || 1} MB, IMPORT_MAX_BYTES). Use the CLI for it: parley import.`);
}

/** The request body, chunk by chunk, stopped with 413 as soon as it passes the limit (chunked uploads declare no length). */
async function* limitedBody(req: Request, max: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > max) throw tooLarge(max);
    yield chunk;
  }
}
