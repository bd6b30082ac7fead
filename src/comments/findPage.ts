import type { Pool } from 'pg';
import type { AppContext } from '../context';
import { coalesce } from '../db/coalesce';
import { prepared } from '../db/preparedStatement';

export interface PageRow {
  id: string;
  title: string | null;
  closed: boolean;
  createdAt: Date;
  approvedCount: number;
  version: number;
  /** Bumped whenever a pending comment on the page changes or goes (a reader's own view is kept by it). */
  pendingVersion: number;
}

/**
 * A page by its key. Every thread read and every new comment makes this lookup, so it is a raw query on
 * the pool (a fraction of a Prisma query's CPU), prepared once per connection: parsing and planning it
 * cost Postgres ~0.1 ms a read, seven times running it.
 *
 * Lookups that arrive while another is in flight wait for it and then go together, one statement for all
 * of them (src/db/coalesce.ts): when an article draws a crowd, its readers' reloads share one lookup per
 * round trip instead of sending one each. A lookup never joins one that started before it arrived, so a
 * read still sees every change committed before it came in.
 */
export async function findPage(ctx: AppContext, siteId: string, key: string): Promise<PageRow | null> {
  // Embedded database: the row as last read, unless anything was written since (src/db/singleWriterCache.ts).
  const cache = ctx.pageRows;
  const cacheKey = `${siteId}\n${key}`;
  const hit = cache?.get(cacheKey);
  if (hit !== undefined) return hit;
  const generation = cache?.begin();
  const row = await lookupFor(ctx, ctx.pool)({ siteId, key });
  if (cache) cache.set(cacheKey, generation!, row);
  return row;
}

interface PageKey { siteId: string; key: string }

const lookups = new WeakMap<Pool, (page: PageKey) => Promise<PageRow | null>>();

function lookupFor(ctx: Pick<AppContext, 'config'>, pool: Pool): (page: PageKey) => Promise<PageRow | null> {
  let lookup = lookups.get(pool);
  if (!lookup) {
    // Two lookups in flight at most, so a crowd's reads leave the pool's other connections to everything else.
    const maxInFlight = Math.min(2, pool.options.max ?? 1);
    lookup = coalesce<PageKey, PageRow | null>((pages) => findPages(ctx, pool, pages), { maxInFlight, maxBatch: 256 });
    lookups.set(pool, lookup);
  }
  return lookup;
}

/** Each distinct page once; the readers of one page share its row (callers only read it). */
async function findPages(ctx: Pick<AppContext, 'config'>, pool: Pool, pages: PageKey[]): Promise<PromiseSettledResult<PageRow | null>[]> {
  const distinct = new Map<string, PageKey>();
  for (const page of pages) distinct.set(`${page.siteId}\n${page.key}`, page);
  let byKey: Map<string, PageRow>;
  try {
    byKey = distinct.size === 1 ? await findOne(ctx, pool, pages[0]) : await findMany(ctx, pool, [...distinct.values()]);
  } catch (err) {
    return pages.map(() => ({ status: 'rejected', reason: err }));
  }
  return pages.map((page) => ({ status: 'fulfilled', value: byKey.get(`${page.siteId}\n${page.key}`) ?? null }));
}

const COLUMNS = `"id"::text AS "id", "title", "closed", "createdAt", "approvedCount", "version", "pendingVersion"`;

async function findOne(ctx: Pick<AppContext, 'config'>, pool: Pool, page: PageKey): Promise<Map<string, PageRow>> {
  const { rows } = await pool.query<PageRow>(prepared(ctx, `SELECT ${COLUMNS} FROM "Page" WHERE "siteId" = $1 AND "key" = $2`, [page.siteId, page.key]));
  return new Map(rows.map((row) => [`${page.siteId}\n${page.key}`, row]));
}

async function findMany(ctx: Pick<AppContext, 'config'>, pool: Pool, pages: PageKey[]): Promise<Map<string, PageRow>> {
  const { rows } = await pool.query<PageRow & { siteId: string; key: string }>(prepared(
    ctx,
    `SELECT p."siteId", p."key", p."id"::text AS "id", p."title", p."closed", p."createdAt", p."approvedCount", p."version", p."pendingVersion"
     FROM unnest($1::text[], $2::text[]) AS wanted("siteId", "key")
     -- One index look-up per page (LIMIT keeps it a nested loop): guessing 100 wanted pages, the planner
     -- would otherwise hash-join them against every page of every site.
     CROSS JOIN LATERAL (SELECT * FROM "Page" p WHERE p."siteId" = wanted."siteId" AND p."key" = wanted."key" LIMIT 1) p`,
    [pages.map((p) => p.siteId), pages.map((p) => p.key)],
  ));
  return new Map(rows.map(({ siteId, key, ...row }) => [`${siteId}\n${key}`, row]));
}
