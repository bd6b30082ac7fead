import v8 from 'node:v8';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client';

// Prisma's query compiler is a large WebAssembly module. V8's optimizing tier compiles it a second time for
// about 80 MB of resident memory and no measurable gain (query plans are cached), so keep baseline code only.
// Must run before the first query compiles the module.
v8.setFlagsFromString('--liftoff-only');

/** Prisma on our own pg pool, so raw queries and Prisma share one set of connections. */
export function createPrismaClient(pool: Pool, schema?: string): PrismaClient {
  const adapter = new PrismaPg(pool, schema ? { schema } : undefined);
  return new PrismaClient({ adapter });
}
