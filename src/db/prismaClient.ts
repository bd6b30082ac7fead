import { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client';

/** Prisma on our own pg pool, so raw queries and Prisma share one set of connections. */
export function createPrismaClient(pool: Pool, schema?: string): PrismaClient {
  const adapter = new PrismaPg(pool, schema ? { schema } : undefined);
  return new PrismaClient({ adapter });
}
