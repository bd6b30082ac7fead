import type { AppContext } from '../context';

export interface PageRow {
  id: string;
  title: string | null;
  closed: boolean;
  createdAt: Date;
  approvedCount: number;
  version: number;
}

/**
 * A page by its key. Every thread read and every new comment makes this lookup, so it is a plain query on
 * the pool: a fraction of a Prisma query's CPU. (Not a named prepared statement: the embedded Postgres
 * shares one session between connections, so a reconnecting client would prepare the same name twice.)
 */
export async function findPage(ctx: AppContext, siteId: string, key: string): Promise<PageRow | null> {
  const { rows } = await ctx.pool.query<PageRow>(
    `SELECT "id"::text AS "id", "title", "closed", "createdAt", "approvedCount", "version" FROM "Page" WHERE "siteId" = $1 AND "key" = $2`,
    [siteId, key],
  );
  return rows[0] ?? null;
}
