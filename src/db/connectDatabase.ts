import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { startEmbeddedMaintenance } from './embeddedMaintenance';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embeddedPostgres';
import { migrate } from './migrator';
import { startReadReplica, type ReadReplica } from './readReplica';
import { trackWrites, type WriteGeneration } from './singleWriterCache';
import { createPool } from './pool';
import { createPrismaClient } from './prismaClient';
import { forgetQueryCompilerSource } from './queryCompilerSource';

export interface Database {
  pool: Pool;
  /**
   * Server mode: a second pool for the comment write path's two statements (src/db/preparedStatement.ts), whose
   * connections always reuse a prepared statement's generic plan. Postgres's own choice re-plans the submission
   * checks on every POST (their generic plan looks costlier on paper, runs as fast, and plans in 0.03 ms instead
   * of ~1.2 ms). Embedded mode: the one pool (PGlite has one connection).
   */
  writePool: Pool;
  prisma: PrismaClient;
  embedded: EmbeddedPostgres | null;
  readReplica: ReadReplica | null;
  /** Embedded mode: moves on with every write (the only writer is this process). */
  writes: WriteGeneration | null;
  close(): Promise<void>;
}

/**
 * One code path for both modes: with DATABASE_URL, that Postgres; without, an embedded PGlite in DATA_DIR,
 * reached over a local socket through the same pg pool (of one connection, PGlite's limit).
 * Both run the same migrations before anything else touches the database.
 */
export async function connectDatabase(config: Config, log: Logger): Promise<Database> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedDbPort });
  const pool = createPool({
    connectionString: config.databaseUrl ?? embedded!.url,
    max: embedded ? 1 : config.databasePoolSize,
    connectTimeoutMs: embedded ? 30_000 : config.databaseConnectTimeoutMs,
    schema: embedded ? undefined : config.databaseSchema,
  });
  const writePool = embedded
    ? pool
    : createPool({
        connectionString: config.databaseUrl!,
        max: config.databasePoolSize,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
        schema: config.databaseSchema,
        genericPlans: true,
      });
  // Every write to the embedded database goes through this pool (see singleWriterCache.ts).
  const writes = embedded ? trackWrites(pool) : null;
  await migrate(pool);
  // PGlite has no autovacuum: this process analyzes and vacuums its tables (see there).
  const maintenance = embedded ? startEmbeddedMaintenance(pool, log) : null;
  const prisma = createPrismaClient(pool, embedded ? undefined : config.databaseSchema);
  // $connect compiles Prisma's query compiler; its base64 source is not needed after that.
  await prisma.$connect();
  forgetQueryCompilerSource();
  // A replica of the embedded database cannot exist: DATABASE_REPLICA_URL needs DATABASE_URL.
  const readReplica = config.databaseReplicaUrl && !embedded
    ? startReadReplica({
        url: config.databaseReplicaUrl,
        schema: config.databaseSchema,
        poolSize: config.databasePoolSize,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
        maxLagMs: config.databaseReplicaMaxLagMs,
        primary: pool,
        log,
      })
    : null;
  return {
    pool,
    writePool,
    prisma,
    embedded,
    readReplica,
    writes,
    async close() {
      await maintenance?.stop();
      await readReplica?.close();
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      if (writePool !== pool) await writePool.end().catch(() => {});
      await embedded?.stop().catch(() => {});
    },
  };
}
