import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config';
import type { AppContext } from '../context';
import { migrate, MigrationError } from '../db/migrator';
import { CliError, processIo, usageError, USAGE_EXIT_CODE, type CliIo } from './cliIo';
import { EXPORT_USAGE, exportCommand, importCommand } from './exportImport';
import { JOBS_USAGE, jobsCommand } from './jobsCommand';
import { migrateCommand } from './migrate';
import { MODERATOR_USAGE, moderatorCommand } from './moderators';
import { openCliDatabase, type CliDatabase } from './openCliDatabase';
import { PRIVACY_USAGE, privacyCommand } from './privacyCommand';
import { SITE_USAGE, siteCommand } from './sites';

export const USAGE = `Parley administration.

Usage: parley <command> [options]      (or: npm run parley -- <command> [options])

Commands:
  site create|list|update     manage sites (publications)
  moderator create|list|revoke|key
                              manage moderators and their API keys
  migrate                     apply pending database migrations
  export <site> [--format parley|wxr] [--file f]
                              write a site's pages and comments (with emails): Parley JSON or WordPress WXR
  import <site> --format wxr|disqus|parley <file>
                              load a WordPress, Disqus or Parley export (a re-run adds nothing twice)
  jobs counts|list|retry      inspect the notification queue
  privacy export|erase <email>
                              a reader's comments as JSON, or their erasure (data-rights requests)
  help [command]              this help, or a command's

The database is the server's: DATABASE_URL, or the embedded one in DATA_DIR (default ./data).
The embedded database allows one process at a time: stop the server before using the CLI on it.`;

function helpFor(topic: string | undefined): string {
  switch (topic) {
    case 'site':
    case 'sites':
      return SITE_USAGE;
    case 'moderator':
    case 'moderators':
      return MODERATOR_USAGE;
    case 'export':
    case 'import':
      return EXPORT_USAGE;
    case 'jobs':
      return JOBS_USAGE;
    case 'privacy':
      return PRIVACY_USAGE;
    case 'migrate':
      return 'Usage: parley migrate\n  Applies pending migrations from prisma/migrations (the server also does this when it starts).';
    default:
      return USAGE;
  }
}

/** Commands that need no database. */
function isHelp(argv: string[]): boolean {
  const [command] = argv;
  return command === undefined || command === 'help' || command === '--help' || command === '-h';
}

const KNOWN = new Set(['site', 'sites', 'moderator', 'moderators', 'migrate', 'export', 'import', 'jobs', 'privacy']);

/**
 * Runs one command against an open database. Tests call this in-process with their own context;
 * `main` below opens the database from the environment first.
 */
export async function runCommand(ctx: AppContext, argv: string[], io: CliIo, opts: { migrationsDir?: string } = {}): Promise<void> {
  const [command, ...args] = argv;
  if (isHelp(argv)) {
    io.out(helpFor(args[0]));
    return;
  }
  switch (command) {
    case 'site':
    case 'sites':
      return siteCommand(ctx, args, io);
    case 'moderator':
    case 'moderators':
      return moderatorCommand(ctx, args, io);
    case 'migrate':
      if (args.length) throw usageError(`"migrate" takes no arguments.`, helpFor('migrate'));
      return migrateCommand(ctx.pool, io, opts.migrationsDir);
    case 'export':
      return exportCommand(ctx, args, io);
    case 'import':
      return importCommand(ctx, args, io);
    case 'jobs':
      return jobsCommand(ctx, args, io);
    case 'privacy':
      return privacyCommand(ctx, args, io);
    default:
      throw usageError(`Unknown command "${command}".`, USAGE);
  }
}

/** A context for CLI use: no HTTP, a quiet logger on stderr, and the real clock. */
export function cliContext(config: Config, db: CliDatabase): AppContext {
  return {
    config,
    prisma: db.prisma,
    pool: db.pool,
    log: pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2)),
    now: () => new Date(),
    secretKey: readSecretKey(config),
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
  };
}

/**
 * Same key as the server's (src/bootstrap.ts loadSecretKey), without creating one: no CLI command signs
 * anything today, and a key made here would differ from the one a server on another machine uses.
 */
function readSecretKey(config: Config): Buffer {
  if (config.secretKey) return crypto.createHash('sha256').update(config.secretKey).digest();
  const file = path.join(config.dataDir, 'secret.key');
  if (fs.existsSync(file)) return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  return crypto.randomBytes(32);
}

/** Process entry: returns the exit code (0 ok, 1 failure, 64 wrong usage). */
export async function main(argv: string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    if (isHelp(argv)) {
      io.out(helpFor(argv[1]));
      return 0;
    }
    if (!KNOWN.has(argv[0])) throw usageError(`Unknown command "${argv[0]}".`, USAGE);
    const config = loadConfig(env);
    const db = await openCliDatabase(config);
    try {
      const ctx = cliContext(config, db);
      // Like the server, bring the schema up to date first, so every command sees the tables it expects.
      if (argv[0] !== 'migrate') await migrateQuietly(db, io);
      await runCommand(ctx, argv, io);
    } finally {
      await db.close();
    }
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

async function migrateQuietly(db: CliDatabase, io: CliIo): Promise<void> {
  const result = await migrate(db.pool);
  if (result.applied.length) io.err(`(applied ${result.applied.length} pending migration(s) first)`);
}

/** Prints an error for the operator and returns the exit code. */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CliError) {
    io.err(err.message);
    return err.exitCode;
  }
  if (err instanceof ConfigError || err instanceof MigrationError) {
    io.err((err as Error).message);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === '28P01' || e.code === '3D000')) {
    io.err(`Could not connect to the database: ${e.message}. Check DATABASE_URL.`);
    return 1;
  }
  // Unexpected: the message only (a Prisma error can quote values it was given; the stack adds nothing here).
  io.err(`parley: ${(e && e.message) || String(err)}`);
  if (process.env.PARLEY_DEBUG) io.err(String(e?.stack));
  return 1;
}

export { USAGE_EXIT_CODE };
