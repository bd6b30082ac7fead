import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config';
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
  log: Logger;
  now: () => Date;
  /** 32-byte key from SECRET_KEY (or generated once and kept in DATA_DIR). */
  secretKey: Buffer;
  /** Base URL used in emails and links, without trailing slash. */
  publicUrl: string;
}

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
