import type { AppContext } from '../context';
import { decodeCursor, encodeCursor } from '../comments/cursor';
import { prepared } from '../db/preparedStatement';
import { errors } from '../http/AppError';
import type { AuthenticatedModerator } from '../http/moderatorAuth';
import type { z } from 'zod';
import type { listQuerySchema } from './moderationSchemas';
import { presentModComment, type ModComment, type ModCommentRow } from './presentModComment';

/**
 * The moderation queue: oldest first for pending (first come, first served), newest first otherwise.
 * Keyset paging on (createdAt, id), served by the (siteId, status, createdAt, id) index.
 *
 * Raw SQL, one named prepared statement per shape of filter (at most 32): under 32 connections the Prisma
 * version of this query built ~3 ms of objects per request (query plan, result rows, nested relations),
 * the largest share of the process's peak heap; this reads the same rows, page, moderator and parent in one
 * statement. MOD_COMMENT_SELECT (presentModComment.ts) stays the shape the other Prisma reads use.
 */
export async function listModerationComments(
  ctx: AppContext,
  moderator: AuthenticatedModerator,
  query: z.infer<typeof listQuerySchema>,
): Promise<{ comments: ModComment[]; nextCursor: string | null }> {
  if (query.site && !moderator.siteIds.includes(query.site)) throw errors.forbidden('You do not moderate this site.');
  const siteIds = query.site ? [query.site] : moderator.siteIds;
  const ascending = query.status === 'pending';
  const after = decodeCursor(query.cursor);

  // One site (the console, a site's API client): `=` and a literal LIMIT let Postgres keep one generic plan
  // per connection on the (siteId, status, createdAt, id) index; planning this join afresh cost 0.6-0.7 ms of
  // the server's CPU per request, more than running it. Several sites: a custom plan per request, since a
  // generic one cannot know which site holds most of the rows.
  const oneSite = siteIds.length === 1;
  const values: unknown[] = oneSite ? [siteIds[0]] : [siteIds, query.limit + 1];
  const where = [oneSite ? 'c."siteId" = $1' : 'c."siteId" = ANY($1::text[])'];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (query.status !== 'all') where.push(`c.status = ${param(query.status)}::"CommentStatus"`);
  if (query.page) where.push(`p.key = ${param(query.page)}`);
  if (query.q) {
    // Searched as written: LIKE's wildcards in the text are matched literally.
    const like = param(`%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    where.push(`(c.body ILIKE ${like} OR c.name ILIKE ${like} OR c.email ILIKE ${like})`);
  }
  if (after) {
    where.push(`(c."createdAt", c.id) ${ascending ? '>' : '<'} (${param(after.createdAt)}::timestamp(3), ${param(after.id)}::uuid)`);
  }
  const order = ascending ? 'ASC' : 'DESC';
  const sql = `${MOD_COMMENT_FROM}
    WHERE ${where.join(' AND ')}
    ORDER BY c."createdAt" ${order}, c.id ${order}
    LIMIT ${oneSite ? query.limit + 1 : '$2'}`;
  const { rows } = await ctx.pool.query<QueueRow>(prepared(ctx, sql, values));
  const hasMore = rows.length > query.limit;
  const pageRows = rows.slice(0, query.limit);
  return {
    comments: pageRows.map((r) => presentModComment(toModCommentRow(r))),
    nextCursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]!) : null,
  };
}

/** A moderator's view of comments (c) with their page, moderator and parent: the queue adds WHERE, ORDER and LIMIT. */
const MOD_COMMENT_FROM = `SELECT c.id, c."siteId", c."parentId", c.name, c.email, c.website, c.body, c.status::text AS status,
      c.reasons, c."spamScore", c.ip, c."userAgent", c."createdAt", c."moderatedAt", c."notifyReplies",
      p.key AS "pageKey", p.url AS "pageUrl", p.title AS "pageTitle",
      m.id AS "modId", m.name AS "modName",
      par.id AS "parId", par.name AS "parName", par.body AS "parBody"
    FROM "Comment" c
    JOIN "Page" p ON p.id = c."pageId"
    LEFT JOIN "Moderator" m ON m.id = c."moderatedById"
    LEFT JOIN "Comment" par ON par.id = c."parentId"`;
const MOD_COMMENT_BY_ID = `${MOD_COMMENT_FROM} WHERE c.id = $1::uuid`;

/** One comment as the queue shows it (after a moderator acted on it): the queue's statement, by id. */
export async function loadModComment(ctx: AppContext, id: string): Promise<ModComment> {
  const { rows } = await ctx.pool.query<QueueRow>(prepared(ctx, MOD_COMMENT_BY_ID, [id]));
  if (!rows[0]) throw errors.notFound('Comment');
  return presentModComment(toModCommentRow(rows[0]));
}

type QueueRow = Omit<ModCommentRow, 'page' | 'moderatedBy' | 'parent'> & {
  pageKey: string; pageUrl: string | null; pageTitle: string | null;
  modId: string | null; modName: string | null;
  parId: string | null; parName: string | null; parBody: string | null;
};

function toModCommentRow(r: QueueRow): ModCommentRow {
  return {
    id: r.id, siteId: r.siteId, parentId: r.parentId, name: r.name, email: r.email, website: r.website, body: r.body,
    status: r.status, reasons: r.reasons, spamScore: r.spamScore, ip: r.ip, userAgent: r.userAgent,
    createdAt: r.createdAt, moderatedAt: r.moderatedAt, notifyReplies: r.notifyReplies,
    page: { key: r.pageKey, url: r.pageUrl, title: r.pageTitle },
    moderatedBy: r.modId ? { id: r.modId, name: r.modName! } : null,
    parent: r.parId ? { id: r.parId, name: r.parName!, body: r.parBody! } : null,
  };
}
