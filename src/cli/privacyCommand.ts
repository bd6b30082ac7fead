import { writeFile } from 'node:fs/promises';
import type { AppContext } from '../context';
import { eraseReaderData } from '../privacy/eraseReaderData';
import { exportReaderData } from '../privacy/exportReaderData';
import { readerEmailField } from '../privacy/readerAddress';
import { processIo, usageError, type CliIo } from './cliIo';
import { noMorePositionals, parseCommandArgs, requirePositional } from './parseCommandArgs';

export const PRIVACY_USAGE = `Usage:
  parley privacy export <email> [--site=<id>] [--file=<f>]
                         every comment stored under this address (all sites, or one), every field, as JSON
  parley privacy erase <email> [--site=<id>] [--comments=anonymize|delete]
                         erase the address (and name, website, IP, user agent) from those comments;
                         "delete" also removes their text. Prints how many comments were erased.`;

/** `parley privacy ...`: an operator answering a reader's request (the operator sees the address they typed). */
export async function privacyCommand(ctx: AppContext, args: string[], io: CliIo = processIo): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'export' && sub !== 'erase') throw usageError(sub ? `Unknown privacy command "${sub}".` : 'Missing privacy command.', PRIVACY_USAGE);
  const { values, positionals } = parseCommandArgs(rest, { site: { type: 'string' }, file: { type: 'string' }, comments: { type: 'string' } }, PRIVACY_USAGE);
  const raw = requirePositional(positionals, 0, 'email address', PRIVACY_USAGE);
  noMorePositionals(positionals, 1, PRIVACY_USAGE);
  const parsed = readerEmailField.safeParse(raw);
  if (!parsed.success) throw usageError(`"${raw}" is not a valid email address.`, PRIVACY_USAGE);
  const siteIds = values.site
    ? [values.site]
    : (await ctx.prisma.site.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((s) => s.id);
  if (values.site && !(await ctx.prisma.site.findUnique({ where: { id: values.site }, select: { id: true } }))) {
    throw usageError(`No site "${values.site}".`, PRIVACY_USAGE);
  }
  if (sub === 'export') {
    if (values.comments !== undefined) throw usageError('--comments is for erase.', PRIVACY_USAGE);
    const json = JSON.stringify(await exportReaderData(ctx, { email: parsed.data, siteIds }), null, 2);
    if (values.file) {
      await writeFile(values.file, `${json}\n`, { mode: 0o600 });
      io.err(`Wrote ${values.file}.`);
    } else {
      io.out(json);
    }
    return;
  }
  const mode = values.comments ?? 'anonymize';
  if (mode !== 'anonymize' && mode !== 'delete') throw usageError('--comments must be "anonymize" or "delete".', PRIVACY_USAGE);
  if (values.file !== undefined) throw usageError('--file is for export.', PRIVACY_USAGE);
  const result = await eraseReaderData(ctx, { email: parsed.data, siteIds, mode, via: 'cli', moderatorId: null });
  io.out(`Erased ${result.comments} comment(s).`);
}
