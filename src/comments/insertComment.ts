import type { Pool } from 'pg';
import type { AppContext } from '../context';
import { coalesce } from '../db/coalesce';
import { jsonParameter } from '../db/jsonParameter';
import { prepared } from '../db/preparedStatement';
import { NOW } from '../notifications/queue';

/** A new comment as the write path stores it, with its page (found or created) and its job or audit event. */
export interface NewCommentRow {
  siteId: string;
  pageKey: string;
  pageUrl: string | null | undefined;
  pageTitle: string | null | undefined;
  now: Date;
  id: string;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  name: string;
  email: string;
  website: string | null | undefined;
  body: string;
  status: 'pending' | 'approved' | 'spam' | 'rejected';
  reasons: string[];
  spamScore: number | null;
  ip: string | null;
  userAgent: string | null;
  ownerTokenHash: string;
  fingerprint: string;
  notifyReplies: boolean;
  job: { kind: string; payload: string; maxAttempts: number } | null;
  /** The rules decided alone (spam, rejected, approved): the audit log says so. */
  auditAction: string | null;
}

/**
 * Stores a held comment (pending, spam or rejected: its page's count does not change). While other held
 * comments' inserts are in flight, it waits and goes with the next batch: under load one statement and one
 * commit carry many comments (Postgres took ~4x the rows a second in batches of 8 here), and a quiet site
 * still inserts each comment at once. Resolves once the comment and its job are committed.
 */
export function insertHeldComment(ctx: Pick<AppContext, 'config' | 'pool' | 'writePool'>, row: NewCommentRow): Promise<void> {
  const pool = ctx.writePool ?? ctx.pool;
  let insert = heldInserts.get(pool);
  if (!insert) {
    // Two batches at most, so the submission checks keep the pool's other connections; one on a pool of one
    // (the embedded database), where a second batch would only wait for the first.
    const maxInFlight = Math.min(2, pool.options.max ?? 1);
    insert = coalesce<NewCommentRow, void>((rows) => insertHeldBatch(ctx, pool, rows), { maxInFlight, maxBatch: 64 });
    heldInserts.set(pool, insert);
  }
  return insert(row);
}

const heldInserts = new WeakMap<Pool, (row: NewCommentRow) => Promise<void>>();

async function insertHeldBatch(ctx: Pick<AppContext, 'config'>, pool: Pool, rows: NewCommentRow[]): Promise<PromiseSettledResult<void>[]> {
  if (rows.length === 1) return Promise.allSettled([insertOne(ctx, pool, rows[0])]);
  let inserted: Set<string>;
  try {
    const result = await pool.query<{ id: string }>(prepared(ctx, HELD_BATCH_SQL, [jsonParameter(rows.map(batchRecord))]));
    inserted = new Set(result.rows.map((r) => r.id));
  } catch {
    // The statement is one transaction, so nothing was stored: each comment goes alone, and one that cannot
    // be stored (a parent deleted meanwhile, a database refusal) fails only its own request.
    return Promise.allSettled(rows.map((row) => insertOne(ctx, pool, row)));
  }
  // Missing: its page was created by another request between the statement's look and its insert.
  return Promise.allSettled(rows.map((row) => (inserted.has(row.id) ? Promise.resolve() : insertOne(ctx, pool, row))));
}

/** One comment in one statement. Held comments use `leave`, published ones `count` (see insertCommentSql). */
export async function insertOne(ctx: Pick<AppContext, 'config'>, pool: Pool, row: NewCommentRow): Promise<void> {
  const approved = row.status === 'approved';
  const sql = approved ? INSERT_COMMENT_SQL.count : INSERT_COMMENT_SQL.leave;
  const params = singleParams(row);
  const { rowCount } = await pool.query(prepared(ctx, sql, params));
  // Zero rows: another request created the page between our look and our insert. The page exists now.
  if (!rowCount) await pool.query(prepared(ctx, sql, params));
}

/** The parameters of INSERT_COMMENT_SQL, in order (also run inside a Prisma transaction by submitComment). */
export function singleParams(row: NewCommentRow): unknown[] {
  return [
    row.siteId, row.pageKey, row.pageUrl, row.pageTitle, row.now, row.status === 'approved' ? 1 : 0,
    row.id, row.parentId, row.rootId, row.depth,
    row.name, row.email, row.website, row.body, row.status, row.reasons, row.spamScore,
    row.ip, row.userAgent, row.ownerTokenHash, row.fingerprint, row.notifyReplies,
    row.job?.kind ?? null, row.job?.payload ?? null, row.job?.maxAttempts ?? null, row.auditAction,
  ];
}

/** One element of HELD_BATCH_SQL's JSON array; its keys are the recordset's columns. */
function batchRecord(row: NewCommentRow) {
  return {
    siteId: row.siteId, pageKey: row.pageKey, pageUrl: row.pageUrl ?? null, pageTitle: row.pageTitle ?? null, now: row.now,
    id: row.id, parentId: row.parentId, rootId: row.rootId, depth: row.depth,
    name: row.name, email: row.email, website: row.website ?? null, body: row.body, status: row.status, reasons: row.reasons,
    spamScore: row.spamScore, ip: row.ip, userAgent: row.userAgent, ownerTokenHash: row.ownerTokenHash,
    fingerprint: row.fingerprint, notifyReplies: row.notifyReplies,
    jobKind: row.job?.kind ?? null, jobPayload: row.job?.payload ?? null, jobMaxAttempts: row.job?.maxAttempts ?? null,
    auditAction: row.auditAction,
  };
}

/**
 * Stores a new comment in one statement (one round trip on the busiest write path): finds or creates its
 * page, inserts the comment, and either queues the moderators' notification (held comments) or records
 * that the rules decided alone (the audit log shows why a comment skipped the queue).
 *
 * `count` (a published comment) bumps the page's count and version, locking its row. `leave` (a held one)
 * does not touch an existing page row at all, so a burst of held comments on one article does not queue
 * behind that row's lock; if the page appears concurrently it returns no row and the caller runs it again.
 */
function insertCommentSql(pageEffect: 'count' | 'leave'): string {
  const page =
    pageEffect === 'count'
      ? `page AS (
  INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt", "approvedCount", "version")
  VALUES ($1, $2, $3, $4, $5, $6, $6)
  ON CONFLICT ("siteId", "key") DO UPDATE SET
    "url" = COALESCE("Page"."url", EXCLUDED."url"),
    "title" = COALESCE("Page"."title", EXCLUDED."title"),
    "approvedCount" = "Page"."approvedCount" + EXCLUDED."approvedCount",
    "version" = "Page"."version" + EXCLUDED."version"
  RETURNING "id"
)`
      : `existing AS (
  SELECT "id" FROM "Page" WHERE "siteId" = $1 AND "key" = $2
), created AS (
  INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt", "approvedCount", "version")
  SELECT $1, $2, $3, $4, $5, $6, $6 WHERE NOT EXISTS (SELECT 1 FROM existing)
  ON CONFLICT ("siteId", "key") DO NOTHING
  RETURNING "id"
), page AS (
  SELECT "id" FROM existing UNION ALL SELECT "id" FROM created
)`;
  return `
WITH ${page}, comment AS (
  INSERT INTO "Comment" ("id", "siteId", "pageId", "parentId", "rootId", "depth", "name", "email", "website", "body",
    "status", "reasons", "spamScore", "ip", "userAgent", "ownerTokenHash", "fingerprint", "notifyReplies", "createdAt", "updatedAt")
  SELECT $7::uuid, $1, page."id", $8::uuid, $9::uuid, $10, $11, $12, $13, $14,
    $15::"CommentStatus", $16::text[], $17::float8, $18, $19, $20, $21, $22, $5, $5
  FROM page
  RETURNING "id"
), job AS (
  INSERT INTO "Job" ("kind", "payload", "maxAttempts", "runAt", "createdAt")
  SELECT $23::text, $24::jsonb, $25::int, ${NOW}, ${NOW} FROM comment WHERE $23::text IS NOT NULL
), audit AS (
  INSERT INTO "AuditEvent" ("siteId", "commentId", "action", "toStatus", "via", "createdAt")
  SELECT $1, comment."id", $26::text, $15::text, 'rules', $5 FROM comment WHERE $26::text IS NOT NULL
)
SELECT "id" FROM comment`;
}

export const INSERT_COMMENT_SQL = { count: insertCommentSql('count'), leave: insertCommentSql('leave') };

/**
 * `leave` for many held comments: their rows arrive as one JSON array (pg sends one text, not 26 parameters
 * a comment). Pages are found or created once per (site, key); a comment whose page another request created
 * meanwhile is not inserted and not returned, and insertHeldBatch sends it again alone.
 */
const HELD_BATCH_SQL = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(
    "siteId" text, "pageKey" text, "pageUrl" text, "pageTitle" text, "now" timestamp(3), "id" uuid, "parentId" uuid,
    "rootId" uuid, "depth" int, "name" text, "email" text, "website" text, "body" text, "status" text, "reasons" text[],
    "spamScore" float8, "ip" text, "userAgent" text, "ownerTokenHash" text, "fingerprint" text, "notifyReplies" boolean,
    "jobKind" text, "jobPayload" text, "jobMaxAttempts" int, "auditAction" text)
), existing AS (
  -- Index lookups on ("siteId", "key"): the planner guesses 100 input rows and would otherwise scan every page.
  -- A page of another site with one of these keys may come along; the joins below match both columns.
  SELECT p."id", p."siteId", p."key" FROM "Page" p
  WHERE p."siteId" = ANY(ARRAY(SELECT DISTINCT "siteId" FROM input)) AND p."key" = ANY(ARRAY(SELECT DISTINCT "pageKey" FROM input))
), created AS (
  INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt", "approvedCount", "version")
  SELECT DISTINCT ON (i."siteId", i."pageKey") i."siteId", i."pageKey", i."pageUrl", i."pageTitle", i."now", 0, 0
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e."siteId" = i."siteId" AND e."key" = i."pageKey")
  ORDER BY i."siteId", i."pageKey", i."now"
  ON CONFLICT ("siteId", "key") DO NOTHING
  RETURNING "id", "siteId", "key"
), page AS (
  SELECT * FROM existing UNION ALL SELECT * FROM created
), comment AS (
  INSERT INTO "Comment" ("id", "siteId", "pageId", "parentId", "rootId", "depth", "name", "email", "website", "body",
    "status", "reasons", "spamScore", "ip", "userAgent", "ownerTokenHash", "fingerprint", "notifyReplies", "createdAt", "updatedAt")
  SELECT i."id", i."siteId", page."id", i."parentId", i."rootId", i."depth", i."name", i."email", i."website", i."body",
    i."status"::"CommentStatus", i."reasons", i."spamScore", i."ip", i."userAgent", i."ownerTokenHash", i."fingerprint",
    i."notifyReplies", i."now", i."now"
  FROM input i JOIN page ON page."siteId" = i."siteId" AND page."key" = i."pageKey"
  RETURNING "id"
), job AS (
  INSERT INTO "Job" ("kind", "payload", "maxAttempts", "runAt", "createdAt")
  SELECT i."jobKind", i."jobPayload"::jsonb, i."jobMaxAttempts", ${NOW}, ${NOW}
  FROM input i JOIN comment c ON c."id" = i."id" WHERE i."jobKind" IS NOT NULL
), audit AS (
  INSERT INTO "AuditEvent" ("siteId", "commentId", "action", "toStatus", "via", "createdAt")
  SELECT i."siteId", c."id", i."auditAction", i."status", 'rules', i."now"
  FROM input i JOIN comment c ON c."id" = i."id" WHERE i."auditAction" IS NOT NULL
)
SELECT "id"::text AS "id" FROM comment`;
