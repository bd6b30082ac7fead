import type { AppContext } from '../context';
import type { Cursor } from './cursor';

/**
 * The orders a thread's top-level comments can be read in. Replies always stay in conversation order
 * (oldest first) under their top-level comment.
 * - oldest: by posting time (the default, and the contract's order)
 * - newest: by posting time, newest first
 * - activity: the thread with the latest published reply (or the newest top-level comment) first
 */
export const THREAD_SORTS = ['oldest', 'newest', 'activity'] as const;
export type ThreadSort = (typeof THREAD_SORTS)[number];

export interface RootRow {
  id: string;
  parentId: string | null;
  rootId: string | null;
  name: string;
  website: string | null;
  body: string;
  createdAt: Date;
  status: string;
  /** The value the page is ordered by (posting time, or the thread's last activity); the cursor carries it. */
  sortKey: Date;
}

const KEY: Record<ThreadSort, string> = {
  oldest: 'c."createdAt"',
  newest: 'c."createdAt"',
  // GREATEST ignores the NULL of a thread without published replies.
  activity: `GREATEST(c."createdAt", (SELECT max(r."createdAt") FROM "Comment" r WHERE r."rootId" = c."id" AND r."status" = 'approved'))`,
};
const DESC: Record<ThreadSort, boolean> = { oldest: false, newest: true, activity: true };

// Visible top-level comments of a page: approved ones, and the caller's own pending ones ($2: owner token hashes).
const VISIBLE_ROOTS = `c."pageId" = $1::uuid AND c."parentId" IS NULL
  AND (c."status" = 'approved' OR (c."status" = 'pending' AND c."ownerTokenHash" = ANY($2::text[])))`;

/** One page of top-level comments in the given order, after the cursor; `limit + 1` rows tell if more follow. */
export async function listRoots(
  ctx: AppContext,
  args: { pageId: string; ownerHashes: string[]; sort: ThreadSort; after?: Cursor; limit: number },
): Promise<RootRow[]> {
  const key = KEY[args.sort];
  const dir = DESC[args.sort] ? 'DESC' : 'ASC';
  const params: unknown[] = [args.pageId, args.ownerHashes, args.limit + 1];
  let keyset = '';
  if (args.after) {
    params.push(args.after.createdAt, args.after.id);
    keyset = `AND (${key}, c."id") ${DESC[args.sort] ? '<' : '>'} ($4::timestamp(3), $5::uuid)`;
  }
  const { rows } = await ctx.pool.query<RootRow>(
    `SELECT c."id"::text AS "id", c."parentId"::text AS "parentId", c."rootId"::text AS "rootId", c."name", c."website",
       c."body", c."createdAt", c."status"::text AS "status", ${key} AS "sortKey"
     FROM "Comment" c
     WHERE ${VISIBLE_ROOTS} ${keyset}
     ORDER BY 9 ${dir}, c."id" ${dir}
     LIMIT $3`,
    params,
  );
  return rows;
}

/**
 * Where a permalink's comment sits: the cursor of the page (of `limit` top-level comments, counted from
 * the start in this order) that holds its thread. `undefined` when that is the first page, or when the
 * comment is not visible here (deleted since the link was shared): the thread then opens at the start.
 */
export async function cursorAround(
  ctx: AppContext,
  args: { pageId: string; ownerHashes: string[]; sort: ThreadSort; commentId: string; limit: number },
): Promise<Cursor | undefined> {
  const dir = DESC[args.sort] ? 'DESC' : 'ASC';
  const { rows } = await ctx.pool.query<{ id: string; sortKey: Date }>(
    `WITH target AS (
       SELECT COALESCE(t."rootId", t."id") AS "root" FROM "Comment" t
       WHERE t."id" = $3::uuid AND t."pageId" = $1::uuid
         AND (t."status" = 'approved' OR (t."status" = 'pending' AND t."ownerTokenHash" = ANY($2::text[])))
     ), ranked AS (
       SELECT c."id", ${KEY[args.sort]} AS "sortKey",
         row_number() OVER (ORDER BY ${KEY[args.sort]} ${dir}, c."id" ${dir}) - 1 AS "pos"
       FROM "Comment" c WHERE ${VISIBLE_ROOTS}
     )
     SELECT ranked."id"::text AS "id", ranked."sortKey" FROM ranked
     WHERE ranked."pos" = (SELECT (r."pos" / $4) * $4 - 1 FROM ranked r JOIN target ON r."id" = target."root")`,
    [args.pageId, args.ownerHashes, args.commentId, args.limit],
  );
  const row = rows[0];
  return row ? { createdAt: row.sortKey, id: row.id } : undefined;
}
