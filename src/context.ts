import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { ReadReplica } from './db/readReplica';
import type { GenerationCache } from './db/singleWriterCache';
import type { PageRow } from './comments/findPage';
import type { PrismaClient } from './generated/prisma/client';

/**
 * Everything a use case needs from the outside world, passed in rather than imported,
 * so tests can run the real logic on a real database with a fixed clock.
 */
export interface AppContext {
  config: Config;
  prisma: PrismaClient;
  /** The same pool Prisma uses; for the few raw queries (job claiming, rate limits). */
  pool: Pool;
  /** The comment write path's statements (src/db/connectDatabase.ts `writePool`); `pool` when unset. */
  writePool?: Pool;
  log: Logger;
  now: () => Date;
  /** 32-byte key from SECRET_KEY (or generated once and kept in DATA_DIR). */
  secretKey: Buffer;
  /** Base URL used in emails and links, without trailing slash. */
  publicUrl: string;
  /**
   * The streaming replica (DATABASE_REPLICA_URL), when configured. Do not use it directly: public reads that
   * may be a few seconds stale take `readerFor(ctx)` or `readFromReplica(ctx, fn)` from src/db/readReplica.ts
   * (thread, counts, feeds); everything else, a reader's own pending comments included, stays on `pool`/`prisma`.
   */
  readReplica?: ReadReplica;
  /** Embedded database only (one process, one connection): page rows kept until the next write. */
  pageRows?: GenerationCache<PageRow | null>;
}

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
