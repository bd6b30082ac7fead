import crypto from 'node:crypto';
import { Pool } from 'pg';
import { migrate } from '../../src/db/migrator';
import { createPool } from '../../src/db/pool';
import { createPrismaClient } from '../../src/db/prismaClient';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { spawnEmbeddedPostgres } from './embeddedPostgresProcess';

/**
 * A real, migrated, private database for one test file:
 * - TEST_DATABASE_URL set: a fresh schema on that server (dropped afterwards), so files run in parallel;
 * - unset: an in-memory embedded Postgres (PGlite) of its own.
 */
export interface TestDatabase {
  pool: Pool;
  /** The comment write path's pool, as in src/db/connectDatabase.ts (generic plans; embedded: `pool`). */
  writePool: Pool;
  prisma: PrismaClient;
  /** Connection string that reaches this database (with the schema on the search path). */
  url: string;
  schema: string | null;
  mode: 'server' | 'embedded';
  close(): Promise<void>;
}

export async function createTestDatabase(opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const schema = `t_${process.env.JEST_WORKER_ID ?? '0'}_${crypto.randomBytes(5).toString('hex')}`;
    const admin = new Pool({ connectionString: serverUrl, max: 1 });
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const pool = createPool({ connectionString: serverUrl, max: opts.poolSize ?? 5, connectTimeoutMs: 5000, schema });
    await migrate(pool);
    const prisma = createPrismaClient(pool, schema);
    const writePool = createPool({ connectionString: serverUrl, max: opts.poolSize ?? 5, connectTimeoutMs: 5000, schema, genericPlans: true });
    const url = withSearchPath(serverUrl, schema);
    return {
      pool, writePool, prisma, url, schema, mode: 'server',
      async close() {
        await prisma.$disconnect().catch(() => {});
        await pool.end().catch(() => {});
        await writePool.end().catch(() => {});
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
        await admin.end();
      },
    };
  }
  const embedded = await spawnEmbeddedPostgres();
  const pool = createPool({ connectionString: embedded.url, max: 1, connectTimeoutMs: 30_000 });
  await migrate(pool);
  const prisma = createPrismaClient(pool);
  return {
    pool, writePool: pool, prisma, url: embedded.url, schema: null, mode: 'embedded',
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      await embedded.stop().catch(() => {});
    },
  };
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
