import type { Request } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import { assertSiteAdmin, currentModerator, requireModerator } from '../http/moderatorAuth';
import { parseInput } from '../http/validate';
import { importComments } from './importComments';
import { IMPORT_FORMATS, ImportFormatError, type ImportFormat } from './importRecords';
import { recordsFrom } from './importSource';

export const importParams = z.object({
  site: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Unknown site.'),
});
export const importQuerySchema = z.object({
  format: z.enum(IMPORT_FORMATS as [ImportFormat, ...ImportFormat[]], { message: 'Choose format=wxr, disqus or parley.' }),
});
export const importResponseSchema = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  errors: z.array(z.string()),
});

const XML_TYPES = ['application/xml', 'text/xml', 'application/rss+xml', 'application/octet-stream', 'text/plain'];
const JSON_TYPES = ['application/json', 'application/octet-stream', 'text/plain'];

/**
 * POST /api/v1/moderation/sites/{site}/import?format=wxr|disqus|parley (site admins): the file is the raw
 * request body, read as a stream straight into the importer (no body parser, never held in memory), so the
 * server can take the import while it runs, which the CLI cannot do beside an embedded-mode server.
 */
export function importRouter(ctx: AppContext): Router {
  const router = Router();
  router.post('/api/v1/moderation/sites/:site/import', requireModerator(ctx), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const { site } = parseInput(importParams, { site: req.params.site });
    assertSiteAdmin(currentModerator(res), site);
    const { format } = parseInput(importQuerySchema, req.query);
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
      summary = await importComments(ctx, recordsFrom(format, limitedBody(req, max)), { siteId: site, format });
    } catch (err) {
      if (err instanceof ImportFormatError) throw new AppError('validation_failed', `${err.message} Nothing was imported.`);
      if (err instanceof AppError && err.code === 'payload_too_large') res.setHeader('Connection', 'close');
      throw err;
    }
    ctx.log.info({ site, format, moderatorId: currentModerator(res).id, imported: summary.imported, skipped: summary.skipped }, 'comments imported');
    res.json({ imported: summary.imported, skipped: summary.skipped, errors: summary.errors });
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
