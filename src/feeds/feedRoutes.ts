import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { readFromReplica } from '../db/readReplica';
import { errors } from '../http/AppError';
import { queryText } from '../http/fields';
import { parseInput } from '../http/validate';
import { findSite } from '../sites/siteRepository';
import { renderAtom, type FeedComment } from './renderAtom';

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** How many comments a feed lists, newest first. */
export const FEED_SIZE = 50;
/** A feed is rebuilt at most this often per instance (and on an erasure); clients revalidate with the ETag. */
const CACHE_MS = 15_000;

// The thread endpoint's rules for a page key (no NUL, well-formed text, at most 512 characters).
const feedQuery = z.object({ page: queryText('page', 512).refine((v) => v.length > 0, 'page must not be empty.').optional() });

interface CachedFeed {
  xml: string;
  etag: string;
  expires: number;
}
const cache = new Map<string, CachedFeed>();

/** An erasure or moderation change calls this so this instance's feeds show it at once. */
export function forgetSiteFeeds(siteId: string): void {
  for (const key of cache.keys()) if (key.startsWith(`${siteId}\n`)) cache.delete(key);
}

async function latestApproved(ctx: AppContext, siteId: string, pageKey: string | undefined): Promise<FeedComment[]> {
  const { rows } = await ctx.pool.query<FeedComment>(
    `SELECT c."id"::text AS id, c."name", c."body", c."createdAt", c."updatedAt",
            p."key" AS "pageKey", p."url" AS "pageUrl", p."title" AS "pageTitle"
       FROM "Comment" c JOIN "Page" p ON p."id" = c."pageId"
      WHERE c."siteId" = $1 AND c."status" = 'approved' AND ($2::text IS NULL OR p."key" = $2)
      ORDER BY c."createdAt" DESC, c."id" DESC
      LIMIT ${FEED_SIZE}`,
    [siteId, pageKey ?? null],
  );
  // src/db/pool.ts reads TIMESTAMP(3) as UTC.
  return rows;
}

/** GET /feeds/{site}.atom[?page=] : the latest approved comments of a site or of one page, as Atom 1.0. */
export function feedRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/feeds/:file', async (req: Request<{ file: string }>, res) => {
    const match = /^(.+)\.atom$/.exec(req.params.file);
    if (!match) throw errors.notFound('Feed');
    const site = SITE_ID.test(match[1]) ? await findSite(ctx, match[1]) : null;
    if (!site) throw errors.notFound('Site');
    const { page } = parseInput(feedQuery, req.query);
    const key = `${site.id}\n${page ?? ''}`;
    let feed = cache.get(key);
    if (!feed || feed.expires <= Date.now()) {
      // A feed may be a few seconds stale: the read replica serves it when there is a healthy one.
      const comments = await readFromReplica(ctx, (reader) => latestApproved(reader, site.id, page));
      const selfUrl = `${ctx.publicUrl}/feeds/${encodeURIComponent(site.id)}.atom${page ? `?page=${encodeURIComponent(page)}` : ''}`;
      const title = page ? `Comments on ${comments[0]?.pageTitle?.trim() || page} · ${site.name}` : `Latest comments · ${site.name}`;
      const xml = renderAtom({
        selfUrl, title, siteName: site.name, alternateUrl: page ? comments[0]?.pageUrl ?? null : null,
        emptyUpdated: new Date(0), comments,
      });
      feed = { xml, etag: `"${createHash('sha256').update(xml).digest('base64url').slice(0, 27)}"`, expires: Date.now() + CACHE_MS };
      if (cache.size > 5_000) cache.clear();
      cache.set(key, feed);
    }
    res.setHeader('ETag', feed.etag);
    res.setHeader('Cache-Control', 'public, max-age=60');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/atom+xml; charset=utf-8').send(feed.xml);
  });
  return router;
}
