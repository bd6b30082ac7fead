import type { Pool } from 'pg';
import type { Config } from '../config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embeddedPostgres';
import { createPool } from '../db/pool';
import { createPrismaClient } from '../db/prismaClient';
import type { PrismaClient } from '../generated/prisma/client';
import { lockEmbeddedDataDir, type DataDirLock } from './embeddedDataDirGuard';

export interface CliDatabase {
  pool: Pool;
  prisma: PrismaClient;
  mode: 'server' | 'embedded';
  close(): Promise<void>;
}

/**
 * The server's two database modes (src/db/connectDatabase.ts), with two differences the CLI needs:
 * it does not migrate on its own (commands decide: `migrate` reports what it applied), and in embedded
 * mode it first makes sure no other process has the data folder open (see embeddedDataDirGuard.ts).
 * A Postgres schema other than public can be named in DATABASE_URL as `?schema=name` (Prisma's
 * convention) or `?options=-c search_path=name`.
 */
export async function openCliDatabase(config: Config): Promise<CliDatabase> {
  let lock: DataDirLock | null = null;
  let embedded: EmbeddedPostgres | null = null;
  let url = config.databaseUrl;
  let schema: string | undefined;
  if (url) {
    ({ url, schema } = schemaFromUrl(url));
  } else {
    lock = lockEmbeddedDataDir(config.dataDir);
    try {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    } catch (err) {
      lock.release();
      throw err;
    }
    url = embedded.url;
  }
  const pool = createPool({
    connectionString: url,
    max: embedded ? 1 : 2,
    connectTimeoutMs: embedded ? 30_000 : config.databaseConnectTimeoutMs,
    schema,
  });
  const prisma = createPrismaClient(pool, schema);
  return {
    pool,
    prisma,
    mode: embedded ? 'embedded' : 'server',
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      await embedded?.stop().catch(() => {});
      lock?.release();
    },
  };
}

/** Takes `schema` (or a search_path in `options`) out of the URL; pg would reject or ignore it. */
export function schemaFromUrl(raw: string): { url: string; schema?: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { url: raw };
  }
  const explicit = u.searchParams.get('schema');
  if (explicit) {
    u.searchParams.delete('schema');
    return { url: u.toString(), schema: explicit };
  }
  const options = u.searchParams.get('options');
  const match = options ? /(?:^|\s)-c\s*search_path=("?)([^",\s]+)\1/.exec(options) : null;
  if (match) {
    const rest = options!.replace(match[0], '').trim();
    if (rest) u.searchParams.set('options', rest);
    else u.searchParams.delete('options');
    return { url: u.toString(), schema: match[2] };
  }
  return { url: raw };
}
