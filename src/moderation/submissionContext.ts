import type { AppContext } from '../context';
import { prepared } from '../db/preparedStatement';
import type { PageRow } from '../comments/findPage';
import type { RateLimit, RateLimitResult } from '../http/rateLimit';
import type { SpamEvidence } from '../spam/spamModel';
import type { TokenCounts } from '../spam/naiveBayes';
import type { CommentHistory } from './rules/types';

/**
 * Everything a new comment's checks read from the database, and its flood counters, in ONE statement:
 * the busiest write path pays one round trip here and one for the insert (src/comments/submitComment.ts).
 * Raw SQL on the pg pool rather than Prisma: it combines reads with the counters' upserts, which Prisma
 * cannot express in one query, and it skips Prisma's per-query CPU on the hottest path. It is a named
 * prepared statement (src/db/preparedStatement.ts) on the write pool, whose connections plan it once: left to
 * itself, Postgres re-plans it on every POST (~1.2 ms; see `writePool` in src/db/connectDatabase.ts).
 *
 * The flood counters are consumed only when the page is open and the parent is valid, as when these were
 * separate steps (a refused reply or a closed page never used up a reader's allowance).
 */
export interface SubmissionContextInput {
  siteId: string;
  pageKey: string;
  parentId: string | null;
  maxDepth: number;
  closeAfterDays: number | null;
  now: Date;
  /** Rate-limit counters to consume (key and limit), as in src/http/rateLimit.ts. */
  flood: Array<{ key: string; limit: RateLimit }>;
  fingerprint: string;
  email: string;
  /** The classifier's tokens of the comment. */
  tokens: string[];
  /** Owner token hashes this browser sent; null skips the returning-author proof (site setting off). */
  ownerHashes: string[] | null;
  /** Comments with the same fingerprint on other pages since this time count as a repeated body. */
  repeatSince: Date;
}

export interface ParentRow {
  id: string;
  siteId: string;
  pageId: string;
  rootId: string | null;
  depth: number;
  status: string;
}

export interface SubmissionContext {
  page: PageRow | null;
  parent: ParentRow | null;
  /** The checks before the counters passed (page open, parent valid), so the counters were consumed. */
  counted: boolean;
  flood: RateLimitResult[];
  duplicate: boolean;
  history: CommentHistory;
  spam: SpamEvidence;
  provenReturning: boolean;
}

export async function loadSubmissionContext(ctx: AppContext, input: SubmissionContextInput): Promise<SubmissionContext> {
  const { text, values } = submissionStatement(input);
  const { rows } = await (ctx.writePool ?? ctx.pool).query<Record<string, unknown>>(prepared(ctx, text, values));
  const row = rows[0];
  const page = row.page as (Omit<PageRow, 'createdAt'> & { createdAt: string }) | null;
  const parent = row.parent as ParentRow | null;
  const counts = new Map<string, TokenCounts>();
  for (const [token, spam, ham] of (row.spamTokens as [string, number, number][] | null) ?? []) counts.set(token, { spam, ham });
  const stats = (row.spamStats as [number, number] | null) ?? [0, 0];
  const counted = row.counted === true;
  return {
    page: page ? { ...page, createdAt: utcDate(page.createdAt) } : null,
    parent,
    counted,
    flood: counted
      ? input.flood.map((hit, i) => {
          const [count, windowStart] = row[`h${i}`] as [number, string];
          const windowEnds = utcDate(windowStart).getTime() + hit.limit.windowSeconds * 1000;
          return {
            allowed: count <= hit.limit.max,
            retryAfter: Math.max(1, Math.ceil((windowEnds - input.now.getTime()) / 1000)),
            count,
          };
        })
      : [],
    duplicate: row.duplicate === true,
    history: { repeatedBodyPages: Number(row.repeatedBodyPages ?? 0), authorSpamCount: Number(row.authorSpamCount ?? 0) },
    spam: { stats: { spamDocs: stats[0] ?? 0, hamDocs: stats[1] ?? 0 }, counts },
    provenReturning: row.provenReturning === true,
  };
}

/**
 * The classifier's tokens (up to ~900 with the trigrams) as one newline-separated text that SQL splits:
 * pg's text[] serializer escapes each element into a new string, a sixth of a POST's allocations. No token
 * holds a newline (src/spam/tokenize.ts splits on whitespace); one that did would only go unlooked-up.
 */
function tokenList(tokens: string[]): string {
  return tokens.some((t) => t.includes('\n')) ? tokens.filter((t) => !t.includes('\n')).join('\n') : tokens.join('\n');
}

/** The checks' statement and its parameters for one POST (exported for the tests that read its plan). */
export function submissionStatement(input: SubmissionContextInput): { text: string; values: unknown[] } {
  const values: unknown[] = [
    input.siteId, input.pageKey, input.parentId, input.maxDepth, input.closeAfterDays, input.now,
    input.fingerprint, input.email, tokenList(input.tokens), input.ownerHashes ?? [], input.ownerHashes !== null, input.repeatSince,
  ];
  for (const hit of input.flood) values.push(hit.key, hit.limit.windowSeconds);
  return { text: submissionSql(input.flood.length), values };
}

/** The statement's text depends only on how many flood counters it consumes: built once per count, not per POST. */
const submissionSqlByFloods = new Map<number, string>();
function submissionSql(floods: number): string {
  const cached = submissionSqlByFloods.get(floods);
  if (cached) return cached;
  const counters = Array.from({ length: floods }, (_, i) => i);
  const floodCtes = counters.map((i) => {
    const key = `$${13 + 2 * i}`; // after the 12 fixed parameters: each counter's key, then its window
    const secs = `$${14 + 2 * i}::int`;
    // Same fixed-window upsert as consumeRateLimits (src/http/rateLimit.ts).
    const expired = `"RateLimit"."windowStart" <= $6::timestamp - make_interval(secs => ${secs})`;
    return `, h${i} AS (
  INSERT INTO "RateLimit" ("key", "windowStart", "count") SELECT ${key}::text, $6::timestamp, 1 FROM go WHERE go.ok
  ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN ${expired} THEN 1 ELSE "RateLimit"."count" + 1 END,
    "windowStart" = CASE WHEN ${expired} THEN $6 ELSE "RateLimit"."windowStart" END
  RETURNING "count", "windowStart")`;
  });
  const floodColumns = counters.map((i) => `, (SELECT json_build_array("count", "windowStart") FROM h${i}) AS "h${i}"`).join('');
  const sql = `
WITH page AS (
  SELECT "id", "title", "closed", "createdAt", "approvedCount", "version", "pendingVersion" FROM "Page" WHERE "siteId" = $1 AND "key" = $2
), parent AS (
  SELECT "id", "siteId", "pageId", "rootId", "depth", "status"::text AS "status" FROM "Comment" WHERE $3::uuid IS NOT NULL AND "id" = $3::uuid
), go AS (
  SELECT NOT EXISTS (
      SELECT 1 FROM page WHERE page."closed" OR ($5::int IS NOT NULL AND page."createdAt" <= $6::timestamp - make_interval(days => $5::int)))
    AND ($3::uuid IS NULL OR EXISTS (
      SELECT 1 FROM parent JOIN page ON page."id" = parent."pageId"
      WHERE parent."siteId" = $1 AND parent."status" = 'approved' AND parent."depth" + 1 <= $4::int)) AS ok
)${floodCtes.join('')}, proof AS (
  SELECT GREATEST(
    (SELECT max("createdAt") FROM "Comment" WHERE "ownerTokenHash" = ANY($10::text[]) AND "siteId" = $1
       AND lower(btrim("email")) = lower(btrim($8)) AND "status" = 'approved'),
    -- VerifiedEmail holds the address trimmed and lowercased (src/notifications/routes.ts): its primary key finds it.
    (SELECT max("verifiedAt") FROM "VerifiedEmail" WHERE "siteId" = $1 AND "email" = lower(btrim($8)))) AS since
  WHERE $11::boolean
)
SELECT
  (SELECT row_to_json(p) FROM (SELECT "id"::text AS "id", "title", "closed", "createdAt", "approvedCount", "version", "pendingVersion" FROM page) p) AS "page",
  (SELECT row_to_json(c) FROM (SELECT "id"::text AS "id", "siteId", "pageId"::text AS "pageId", "rootId"::text AS "rootId", "depth", "status" FROM parent) c) AS "parent",
  (SELECT ok FROM go) AS "counted",
  EXISTS (SELECT 1 FROM "Comment" c JOIN page ON c."pageId" = page."id"
    WHERE c."fingerprint" = $7 AND lower(c."email") = lower($8) AND c."status" <> 'deleted') AS "duplicate",
  (SELECT count(DISTINCT "pageId")::int FROM "Comment"
    WHERE "siteId" = $1 AND "fingerprint" = $7 AND "createdAt" > $12::timestamp
      AND "pageId" IS DISTINCT FROM (SELECT "id" FROM page) AND "status" <> 'deleted') AS "repeatedBodyPages",
  (SELECT count(*)::int FROM "Comment"
    WHERE "siteId" = $1 AND lower(btrim("email")) = lower(btrim($8)) AND "status" = 'spam' AND "trainedAs" = 'spam') AS "authorSpamCount",
  (SELECT json_build_array(s."spamDocs", s."hamDocs") FROM "SpamStats" s WHERE s."siteId" = $1) AS "spamStats",
  (SELECT json_agg(json_build_array(t."token", t."spamCount", t."hamCount")) FROM "SpamToken" t
    WHERE t."siteId" = $1 AND t."token" = ANY(string_to_array($9::text, E'\\n'))) AS "spamTokens",
  COALESCE((SELECT proof.since IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM "Comment" WHERE "siteId" = $1 AND "status" = 'spam' AND lower(btrim("email")) = lower(btrim($8))
        AND ("createdAt" >= proof.since OR "moderatedAt" >= proof.since))
    FROM proof), false) AS "provenReturning"${floodColumns}`;
  submissionSqlByFloods.set(floods, sql);
  return sql;
}

/** TIMESTAMP(3) columns hold UTC; inside JSON they arrive as text without a zone. */
function utcDate(text: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
}
