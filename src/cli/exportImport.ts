import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import { EXPORT_FORMATS, SiteNotFound, writeParleyExport, writeWxr, type ExportCounts, type ExportFormat } from '../importExport/exportSite';
import { importComments, type ImportSummary } from '../importExport/importComments';
import { IMPORT_FORMATS, ImportFormatError, type ImportFormat } from '../importExport/importRecords';
import { countBytes, recordsFrom } from '../importExport/importSource';
import { CliError, usageError, type CliIo } from './cliIo';
import { noMorePositionals, parseCommandArgs, requirePositional } from './parseCommandArgs';
import { megabytes, progressLine } from './progressLine';

export const EXPORT_USAGE = `Usage:
  parley export <site> [--format parley|wxr] [--file <path>] [--force]
      writes the site's pages and comments (with authors' emails): "parley" (default) is Parley's own
      JSON, "wxr" a WordPress export (Tools > Import > WordPress); to the file (created readable by you
      only) or to standard output
  parley import <site> --format wxr|disqus|parley <file> [--dry-run]
      loads a WordPress export (WXR), a Disqus export (XML) or a Parley export into the site; comments
      already imported are skipped, so it can run again safely. A Parley export may create the site.
      --dry-run reads and checks everything and says what it would import, storing nothing.
  parley import <file>
      loads a Parley export into the site it came from (created if missing)

Progress goes to standard error: a line redrawn in place on a terminal, a plain line every few seconds otherwise.`;

export async function exportCommand(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    args,
    { file: { type: 'string' }, force: { type: 'boolean' }, format: { type: 'string' } },
    EXPORT_USAGE,
  );
  const siteId = requirePositional(positionals, 0, 'site id', EXPORT_USAGE);
  noMorePositionals(positionals, 1, EXPORT_USAGE);
  const format = (values.format ?? 'parley') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw usageError(`Unknown export format "${values.format}" (use parley or wxr).`, EXPORT_USAGE);

  const site = await ctx.prisma.site.findUnique({ where: { id: siteId }, select: { id: true } });
  if (!site) throw new CliError(`No site "${siteId}". "parley site list" shows the sites.`);
  const total = await ctx.prisma.comment.count({ where: { siteId } });
  const counts: ExportCounts = { pages: 0, comments: 0 };
  const progress = progressLine(values.file || io.stdout ? io.progress : undefined, { label: `Exporting ${siteId}`, unit: 'comments', total });
  const writer = format === 'wxr' ? writeWxr(ctx, siteId, counts) : writeParleyExport(ctx, siteId, counts);
  async function* reported() {
    for await (const text of writer) {
      progress.update(counts.comments, counts.comments);
      yield text;
    }
  }

  try {
    if (!values.file) {
      if (io.stdout) {
        try {
          await pipeline(Readable.from(reported()), io.stdout, { end: false });
        } catch (err) {
          // The reader went away (`parley export site | head`): not an error worth a message.
          if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
        }
      } else {
        const parts: string[] = [];
        for await (const text of reported()) parts.push(text);
        io.out(parts.join('').replace(/\n$/, ''));
      }
      progress.finish();
      return;
    }
    let out: fs.WriteStream;
    try {
      // It holds readers' emails: readable by the operator only, and never silently overwritten.
      const fd = fs.openSync(values.file, values.force ? 'w' : 'wx', 0o600);
      out = fs.createWriteStream(values.file, { fd });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CliError(`${values.file} already exists. Choose another file, or add --force to replace it.`);
      }
      throw new CliError(`Could not write ${values.file}: ${(err as Error).message}`);
    }
    await pipeline(Readable.from(reported()), out);
  } catch (err) {
    if (err instanceof SiteNotFound) throw new CliError(`No site "${siteId}". "parley site list" shows the sites.`);
    throw err;
  }
  progress.finish();
  io.out(
    `Exported site "${siteId}" as ${format === 'wxr' ? 'WordPress WXR' : 'Parley JSON'}: ${counts.pages} page(s), ` +
      `${counts.comments} comment(s) to ${values.file}. It contains readers' email addresses: keep it private.`,
  );
}

export async function importCommand(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { format: { type: 'string' }, 'dry-run': { type: 'boolean' } }, EXPORT_USAGE);
  let siteId: string | null;
  let file: string;
  let format: ImportFormat;
  if (positionals.length === 1 && !values.format) {
    // The original form: a Parley export, into the site it names.
    file = positionals[0];
    format = 'parley';
    siteId = null;
  } else {
    siteId = requirePositional(positionals, 0, 'site id', EXPORT_USAGE);
    file = requirePositional(positionals, 1, 'file to import', EXPORT_USAGE);
    noMorePositionals(positionals, 2, EXPORT_USAGE);
    if (!values.format) throw usageError('Say which format the file is in: --format wxr, disqus or parley.', EXPORT_USAGE);
    if (!IMPORT_FORMATS.includes(values.format as ImportFormat)) {
      throw usageError(`Unknown import format "${values.format}" (use wxr, disqus or parley).`, EXPORT_USAGE);
    }
    format = values.format as ImportFormat;
  }

  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch (err) {
    throw new CliError(`Could not read ${file}: ${(err as Error).message}`);
  }
  siteId ??= await siteNamedInExport(file);
  if (format !== 'parley' && !(await ctx.prisma.site.findUnique({ where: { id: siteId }, select: { id: true } }))) {
    throw new CliError(`No site "${siteId}". Create it first: parley site create ${siteId} --name "…"`);
  }

  const counter = { bytes: 0 };
  const progress = progressLine(io.progress, { label: `Importing ${format}`, unit: 'comments', total: size, totalLabel: megabytes });
  let summary: ImportSummary;
  try {
    summary = await importComments(ctx, recordsFrom(format, countBytes(fs.createReadStream(file), counter)), {
      siteId,
      format,
      dryRun: values['dry-run'] === true,
      onProgress: (p) => {
        if (p.phase === 'reading') progress.update(p.comments, counter.bytes);
        // The commit of a big file takes a while and has no count to show: say what is happening.
        else if (p.phase === 'committing' && p.comments >= 10_000) {
          progress.note(`${p.comments.toLocaleString('en-US')} comments read; threading them and writing them in one transaction…`);
        }
      },
    });
  } catch (err) {
    progress.finish();
    if (err instanceof ImportFormatError) throw new CliError(`${file}: ${err.message} Nothing was imported.`);
    if (err instanceof AppError && err.code === 'not_found') throw new CliError(`No site "${siteId}".`);
    throw err;
  }
  progress.finish();
  io.out(describeImport(siteId, summary, values['dry-run'] === true));
}

/** The summary an operator reads: counts, then each problem (ids from the file, never an email). */
export function describeImport(siteId: string, s: ImportSummary, dryRun = false): string {
  const lines = [
    `${dryRun ? 'Dry run, nothing was stored: ' : ''}${s.siteCreated ? `${dryRun ? 'would create' : 'Created'} site "${siteId}"; ` : ''}` +
      `${s.imported} comment(s) ${dryRun ? 'would be ' : ''}imported into "${siteId}", ${s.pagesCreated} new page(s); ` +
      `${s.skipped} skipped (already imported, pingbacks and trackbacks, duplicates).`,
  ];
  if (s.errors.length) lines.push(`Notes:`, ...s.errors.map((e) => `  - ${e}`));
  return lines.join('\n');
}

/** The original `parley import <file>` form: the site comes from the file itself (a first, quick pass). */
async function siteNamedInExport(file: string): Promise<string> {
  try {
    for await (const r of recordsFrom('parley', fs.createReadStream(file))) {
      if (r.kind === 'site') return r.id;
    }
  } catch (err) {
    if (err instanceof ImportFormatError) throw new CliError(`${file}: ${err.message} Nothing was imported.`);
    throw err;
  }
  throw new CliError(`${file} names no site.`);
}
