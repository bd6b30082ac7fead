import { z } from 'zod';
import type { AppContext } from '../context';
import { newApiKey } from '../http/moderatorAuth';
import { revokeModeratorSessions } from '../console/authSession';
import { CliError, printTable, usageError, type CliIo } from './cliIo';
import { noMorePositionals, parseCommandArgs, requirePositional } from './parseCommandArgs';

export const MODERATOR_USAGE = `Usage:
  parley moderator create --name <name> --email <email> --site <id> [--site <id>]... [--role admin|moderator]
                          prints the new moderator's API key, once; the role (default moderator)
                          applies to every --site given
  parley moderator list [--show-emails]
                          emails are shown only with --show-emails
  parley moderator revoke <moderator-id>
                          the moderator and all their keys stop working at once
  parley moderator key <moderator-id> [--keep-old]
                          prints a new API key, once; older keys are revoked unless --keep-old`;

const emailSchema = z.email();
const uuidSchema = z.uuid();

export async function moderatorCommand(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create':
      return createModerator(ctx, rest, io);
    case 'list':
      return listModerators(ctx, rest, io);
    case 'revoke':
      return revokeModerator(ctx, rest, io);
    case 'key':
      return issueKey(ctx, rest, io);
    case undefined:
    case 'help':
    case '--help':
      io.out(MODERATOR_USAGE);
      return;
    default:
      throw usageError(`Unknown moderator command "${sub}".`, MODERATOR_USAGE);
  }
}

async function createModerator(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    args,
    { name: { type: 'string' }, email: { type: 'string' }, site: { type: 'string', multiple: true }, role: { type: 'string' } },
    MODERATOR_USAGE,
  );
  noMorePositionals(positionals, 0, MODERATOR_USAGE);
  const name = values.name?.trim();
  if (!name) throw usageError('Missing --name.', MODERATOR_USAGE);
  if (name.length > 200) throw new CliError('The name is too long (at most 200 characters).');
  const email = values.email?.trim();
  if (!email) throw usageError('Missing --email (where new-comment notifications go).', MODERATOR_USAGE);
  // The operator typed it, but we still do not echo it back: terminals get logged and screen-shared.
  if (!emailSchema.safeParse(email).success) throw new CliError('--email is not a valid email address.');
  const role = values.role ?? 'moderator';
  if (role !== 'moderator' && role !== 'admin') throw usageError(`--role is "admin" or "moderator", not "${role}".`, MODERATOR_USAGE);
  const siteIds = [...new Set(values.site ?? [])];
  if (!siteIds.length) throw usageError('Give at least one --site the moderator may moderate.', MODERATOR_USAGE);

  const found = await ctx.prisma.site.findMany({ where: { id: { in: siteIds } }, select: { id: true } });
  const missing = siteIds.filter((id) => !found.some((s) => s.id === id));
  if (missing.length) throw new CliError(`No such site: ${missing.join(', ')}. "parley site list" shows the sites.`);

  const { key, hash } = newApiKey();
  const moderator = await ctx.prisma.$transaction(async (tx) => {
    const created = await tx.moderator.create({ data: { name, email } });
    await tx.siteModerator.createMany({ data: siteIds.map((siteId) => ({ siteId, moderatorId: created.id, role })) });
    await tx.apiKey.create({ data: { moderatorId: created.id, keyHash: hash } });
    return created;
  });
  io.out(`Created moderator ${moderator.id} (${name}) for ${siteIds.join(', ')} as ${role}.`);
  printKeyOnce(io, key);
}

async function listModerators(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { 'show-emails': { type: 'boolean' } }, MODERATOR_USAGE);
  noMorePositionals(positionals, 0, MODERATOR_USAGE);
  const showEmails = values['show-emails'] === true;
  const moderators = await ctx.prisma.moderator.findMany({
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      name: true,
      email: showEmails,
      createdAt: true,
      revokedAt: true,
      sites: { select: { siteId: true, role: true }, orderBy: { siteId: 'asc' } },
      apiKeys: { where: { revokedAt: null }, select: { lastUsedAt: true } },
    },
  });
  if (!moderators.length) {
    io.out('No moderators yet. Add one with "parley moderator create --name <name> --email <email> --site <id>".');
    return;
  }
  const header = ['ID', 'NAME', ...(showEmails ? ['EMAIL'] : []), 'STATUS', 'KEYS', 'LAST USED', 'SITES'];
  printTable(
    io,
    header,
    moderators.map((m) => {
      const lastUsed = m.apiKeys.map((k) => k.lastUsedAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
      return [
        m.id,
        m.name,
        ...(showEmails ? [(m as { email?: string }).email ?? ''] : []),
        m.revokedAt ? `revoked ${m.revokedAt.toISOString().slice(0, 10)}` : 'active',
        String(m.revokedAt ? 0 : m.apiKeys.length),
        lastUsed ? new Date(lastUsed).toISOString() : '-',
        m.sites.map((s) => (s.role === 'admin' ? `${s.siteId} (admin)` : s.siteId)).join(',') || '-',
      ];
    }),
  );
}

async function revokeModerator(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { positionals } = parseCommandArgs(args, {}, MODERATOR_USAGE);
  const id = moderatorId(positionals);
  const now = ctx.now();
  const moderator = await findModerator(ctx, id);
  if (moderator.revokedAt) {
    io.out(`Moderator ${id} (${moderator.name}) was already revoked on ${moderator.revokedAt.toISOString()}.`);
    return;
  }
  const { keys, sessions } = await ctx.prisma.$transaction(async (tx) => {
    await tx.moderator.update({ where: { id }, data: { revokedAt: now } });
    const keys = await tx.apiKey.updateMany({ where: { moderatorId: id, revokedAt: null }, data: { revokedAt: now } });
    // Their console sessions are refused from now on anyway (see findConsoleSession); marked for the record.
    const sessions = await revokeModeratorSessions({ prisma: tx, now: () => now }, id);
    return { keys, sessions };
  });
  io.out(`Revoked moderator ${id} (${moderator.name}) and ${keys.count} API key(s); ${sessions} console session(s) ended. They can no longer moderate.`);
}

async function issueKey(ctx: AppContext, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { 'keep-old': { type: 'boolean' } }, MODERATOR_USAGE);
  const id = moderatorId(positionals);
  const moderator = await findModerator(ctx, id);
  if (moderator.revokedAt) {
    throw new CliError(`Moderator ${id} is revoked; a new key would not work. Create a new moderator instead.`);
  }
  const { key, hash } = newApiKey();
  const revoked = await ctx.prisma.$transaction(async (tx) => {
    const oldKeys = values['keep-old'] ? [] : await tx.apiKey.findMany({ where: { moderatorId: id, revokedAt: null }, select: { id: true } });
    const old = values['keep-old']
      ? { count: 0 }
      : await tx.apiKey.updateMany({ where: { moderatorId: id, revokedAt: null }, data: { revokedAt: ctx.now() } });
    // Console sessions signed in with a revoked key end with it (email sign-ins stay).
    if (oldKeys.length) await revokeModeratorSessions({ prisma: tx, now: ctx.now }, id, { apiKeyIds: oldKeys.map((k) => k.id) });
    await tx.apiKey.create({ data: { moderatorId: id, keyHash: hash } });
    return old.count;
  });
  io.out(`New API key for moderator ${id} (${moderator.name}).${revoked ? ` ${revoked} older key(s) revoked.` : ''}`);
  printKeyOnce(io, key);
}

function moderatorId(positionals: string[]): string {
  const id = requirePositional(positionals, 0, 'moderator id', MODERATOR_USAGE);
  noMorePositionals(positionals, 1, MODERATOR_USAGE);
  if (!uuidSchema.safeParse(id).success) {
    throw new CliError(`"${id}" is not a moderator id. "parley moderator list" shows the ids.`);
  }
  return id.toLowerCase();
}

async function findModerator(ctx: AppContext, id: string) {
  const moderator = await ctx.prisma.moderator.findUnique({ where: { id }, select: { name: true, revokedAt: true } });
  if (!moderator) throw new CliError(`No moderator ${id}. "parley moderator list" shows the ids.`);
  return moderator;
}

function printKeyOnce(io: CliIo, key: string): void {
  io.out('');
  io.out('API key (shown once; only its hash is stored, so keep it now):');
  io.out('');
  io.out(`    ${key}`);
  io.out('');
}
