import type { Pool } from 'pg';
import type { AppContext } from '../context';
import { coalesce } from '../db/coalesce';
import { jsonParameter } from '../db/jsonParameter';
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

/**
 * Resolves with the context of one new comment. While other comments' checks are in flight it waits and goes
 * with the next batch: under load one statement (and one commit of the flood counters) carries many comments,
 * and a quiet site still runs each one at once, as a batch of one.
 */
export function loadSubmissionContext(ctx: Pick<AppContext, 'config' | 'pool' | 'writePool'>, input: SubmissionContextInput): Promise<SubmissionContext> {
  const pool = ctx.writePool ?? ctx.pool;
  let load = batchedLoads.get(pool);
  if (!load) {
    // As for the held comments' inserts (src/comments/insertComment.ts): two batches at most, one on the embedded database.
    const maxInFlight = Math.min(2, pool.options.max ?? 1);
    load = coalesce<SubmissionContextInput, SubmissionContext>((inputs) => loadBatch(ctx, pool, inputs), { maxInFlight, maxBatch: 32 });
    batchedLoads.set(pool, load);
  }
  return load(input);
}

const batchedLoads = new WeakMap<Pool, (input: SubmissionContextInput) => Promise<SubmissionContext>>();

async function loadBatch(ctx: Pick<AppContext, 'config'>, pool: Pool, inputs: SubmissionContextInput[]): Promise<PromiseSettledResult<SubmissionContext>[]> {
  try {
    const contexts = await runBatch(ctx, pool, inputs);
    return contexts.map((value) => ({ status: 'fulfilled', value }));
  } catch (err) {
    if (inputs.length === 1) return [{ status: 'rejected', reason: err }];
    // The statement is one transaction, so no counter moved: each comment goes alone, and one that the
    // database refuses fails only its own request.
    return Promise.allSettled(inputs.map(async (input) => (await runBatch(ctx, pool, [input]))[0]));
  }
}

async function runBatch(ctx: Pick<AppContext, 'config'>, pool: Pool, inputs: SubmissionContextInput[]): Promise<SubmissionContext[]> {
  const records = inputs.map((input, ord) => ({
    ord, siteId: input.siteId, pageKey: input.pageKey, parentId: input.parentId, maxDepth: input.maxDepth,
    closeAfterDays: input.closeAfterDays, now: input.now, fingerprint: input.fingerprint, email: input.email,
    ownerHashes: input.ownerHashes ?? [], checkOwner: input.ownerHashes !== null, repeatSince: input.repeatSince,
    floodKeys: input.flood.map((hit) => hit.key), floodSeconds: input.flood.map((hit) => hit.limit.windowSeconds),
  }));
  const { rows } = await pool.query<Record<string, unknown>>(
    prepared(ctx, SUBMISSION_BATCH_SQL, [jsonParameter(records), jsonParameter(vocabularies(inputs))]),
  );
  // Each site's token counts come back once, on one of its rows, and serve all of the site's comments.
  const countsBySite = new Map<string, Map<string, TokenCounts>>();
  for (const row of rows) {
    if (row.spamTokens === null || row.spamTokens === undefined) continue;
    const counts = new Map<string, TokenCounts>();
    for (const [token, spam, ham] of row.spamTokens as [string, number, number][]) counts.set(token, { spam, ham });
    countsBySite.set(inputs[Number(row.ord)].siteId, counts);
  }
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
  return inputs.map((input, ord) => {
    const row = byOrd.get(ord);
    if (!row) throw new Error('the submission statement returned no row for a comment');
    return decodeContext(input, row, countsBySite.get(input.siteId) ?? new Map());
  });
}

function decodeContext(input: SubmissionContextInput, row: Record<string, unknown>, counts: Map<string, TokenCounts>): SubmissionContext {
  const page = row.page as (Omit<PageRow, 'createdAt'> & { createdAt: string }) | null;
  const parent = row.parent as ParentRow | null;
  const stats = (row.spamStats as [number, number] | null) ?? [0, 0];
  const counted = row.counted === true;
  const floods = (row.floods as Array<[number, string]> | null) ?? [];
  return {
    page: page ? { ...page, createdAt: utcDate(page.createdAt) } : null,
    parent,
    counted,
    flood: counted
      ? input.flood.map((hit, i) => {
          const [count, windowStart] = floods[i];
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
 * The classifier's tokens of the batch, each once per site (comments share most of their words and trigrams),
 * as one newline-separated text per site that SQL splits: escaping each as an array element cost a sixth of
 * a POST's allocations. No token holds a newline (src/spam/tokenize.ts splits on whitespace); if one did, its
 * parts would be looked up instead, and missed.
 */
function vocabularies(inputs: SubmissionContextInput[]): Array<{ siteId: string; tokens: string }> {
  const bySite = new Map<string, Set<string>>();
  for (const input of inputs) {
    const tokens = bySite.get(input.siteId);
    if (tokens) for (const token of input.tokens) tokens.add(token);
    else bySite.set(input.siteId, new Set(input.tokens));
  }
  return [...bySite].map(([siteId, tokens]) => ({ siteId, tokens: [...tokens].join('\n') }));
}

/**
 * The checks of a batch of new comments (one JSON array, `ord` their order in it), one row each. Every look-up
 * is a subquery per input row, on its index: the planner guesses 100 input rows and would otherwise hash-join
 * whole tables (the LIMIT 1 keeps it from flattening the page and parent look-ups into such joins).
 *
 * Flood counters: a comment consumes its counters only when its page is open and its parent valid, as when
 * these were separate steps (a refused reply or a closed page never used up a reader's allowance). Each key
 * is upserted once, by the number of this batch's comments that hit it, in key order (two batches in flight
 * lock their rows in the same order, so they cannot deadlock). The comments then count in batch order: the
 * k-th of n hits on a key sees the stored count minus n plus k, as if they had come one by one (the same
 * fixed-window upsert as consumeRateLimits in src/http/rateLimit.ts).
 *
 * Duplicates: a comment already stored on the page, or an earlier copy in the same batch (a double-clicked Send).
 * The classifier's token counts: $2 holds each site's tokens once, and their counts come back on the site's
 * first row.
 */
const SUBMISSION_BATCH_SQL = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(
    "ord" int, "siteId" text, "pageKey" text, "parentId" uuid, "maxDepth" int, "closeAfterDays" int, "now" timestamp(3),
    "fingerprint" text, "email" text, "ownerHashes" text[], "checkOwner" boolean, "repeatSince" timestamp(3),
    "floodKeys" text[], "floodSeconds" int[])
), checked AS (
  SELECT i.*, page."id" AS "pageId", row_to_json(page) AS "page", row_to_json(parent) AS "parent",
    NOT COALESCE(page."closed" OR (i."closeAfterDays" IS NOT NULL AND page."createdAt" <= i."now" - make_interval(days => i."closeAfterDays")), false)
      AND (i."parentId" IS NULL OR (parent."siteId" = i."siteId" AND parent."pageId" = page."id"::text
        AND parent."status" = 'approved' AND parent."depth" + 1 <= i."maxDepth")) IS TRUE AS "ok"
  FROM input i
  LEFT JOIN LATERAL (
    SELECT p."id"::text AS "id", p."title", p."closed", p."createdAt", p."approvedCount", p."version"
    FROM "Page" p WHERE p."siteId" = i."siteId" AND p."key" = i."pageKey" LIMIT 1
  ) page ON true
  LEFT JOIN LATERAL (
    SELECT c."id"::text AS "id", c."siteId", c."pageId"::text AS "pageId", c."rootId"::text AS "rootId", c."depth", c."status"::text AS "status"
    FROM "Comment" c WHERE c."id" = i."parentId" LIMIT 1
  ) parent ON true
), hit AS (
  SELECT c."ord", f."slot", f."key", f."secs", c."now", row_number() OVER (PARTITION BY f."key" ORDER BY c."ord") AS "rank"
  FROM checked c CROSS JOIN LATERAL unnest(c."floodKeys", c."floodSeconds") WITH ORDINALITY AS f("key", "secs", "slot")
  WHERE c."ok"
), counter AS (
  SELECT "key", max("secs") AS "secs", max("now") AS "now", count(*)::int AS "hits" FROM hit GROUP BY "key"
), counted AS (
  INSERT INTO "RateLimit" ("key", "windowStart", "count")
  SELECT "key", "now", "hits" FROM counter ORDER BY "key"
  ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN "RateLimit"."windowStart" <= EXCLUDED."windowStart" - make_interval(secs => (SELECT "secs" FROM counter WHERE counter."key" = EXCLUDED."key"))
      THEN EXCLUDED."count" ELSE "RateLimit"."count" + EXCLUDED."count" END,
    "windowStart" = CASE WHEN "RateLimit"."windowStart" <= EXCLUDED."windowStart" - make_interval(secs => (SELECT "secs" FROM counter WHERE counter."key" = EXCLUDED."key"))
      THEN EXCLUDED."windowStart" ELSE "RateLimit"."windowStart" END
  RETURNING "key", "count", "windowStart"
), floods AS (
  SELECT hit."ord", json_agg(json_build_array(counted."count" - counter."hits" + hit."rank", counted."windowStart") ORDER BY hit."slot") AS "floods"
  FROM hit JOIN counter ON counter."key" = hit."key" JOIN counted ON counted."key" = hit."key"
  GROUP BY hit."ord"
)
SELECT c."ord", c."page", c."parent", c."ok" AS "counted", floods."floods",
  EXISTS (SELECT 1 FROM "Comment" x WHERE x."pageId" = c."pageId"::uuid
      AND x."fingerprint" = c."fingerprint" AND lower(x."email") = lower(c."email") AND x."status" <> 'deleted')
    OR EXISTS (SELECT 1 FROM checked e WHERE e."ord" < c."ord" AND e."ok" AND e."siteId" = c."siteId" AND e."pageKey" = c."pageKey"
      AND e."fingerprint" = c."fingerprint" AND lower(e."email") = lower(c."email")) AS "duplicate",
  (SELECT count(DISTINCT x."pageId")::int FROM "Comment" x
    WHERE x."siteId" = c."siteId" AND x."fingerprint" = c."fingerprint" AND x."createdAt" > c."repeatSince"
      AND x."pageId" IS DISTINCT FROM c."pageId"::uuid AND x."status" <> 'deleted') AS "repeatedBodyPages",
  (SELECT count(*)::int FROM "Comment" x
    WHERE x."siteId" = c."siteId" AND x."email" = c."email" AND x."status" = 'spam' AND x."trainedAs" = 'spam') AS "authorSpamCount",
  (SELECT json_build_array(s."spamDocs", s."hamDocs") FROM "SpamStats" s WHERE s."siteId" = c."siteId") AS "spamStats",
  CASE WHEN c."ord" = (SELECT min(i."ord") FROM input i WHERE i."siteId" = c."siteId") THEN COALESCE(
    (SELECT json_agg(json_build_array(t."token", t."spamCount", t."hamCount")) FROM "SpamToken" t
     WHERE t."siteId" = c."siteId" AND t."token" = ANY(string_to_array(
       (SELECT v."tokens" FROM json_to_recordset($2::json) AS v("siteId" text, "tokens" text) WHERE v."siteId" = c."siteId"), E'\\n'))),
    '[]') END AS "spamTokens",
  COALESCE((SELECT proof."since" IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM "Comment" x WHERE x."siteId" = c."siteId" AND x."status" = 'spam' AND lower(x."email") = lower(c."email")
        AND (x."createdAt" >= proof."since" OR x."moderatedAt" >= proof."since"))
    FROM (SELECT GREATEST(
      (SELECT max(x."createdAt") FROM "Comment" x WHERE x."ownerTokenHash" = ANY(c."ownerHashes") AND x."siteId" = c."siteId"
         AND lower(x."email") = lower(c."email") AND x."status" = 'approved'),
      (SELECT max(v."verifiedAt") FROM "VerifiedEmail" v WHERE v."siteId" = c."siteId" AND lower(v."email") = lower(c."email"))) AS "since"
    ) proof WHERE c."checkOwner"), false) AS "provenReturning"
FROM checked c LEFT JOIN floods ON floods."ord" = c."ord"`;

/** TIMESTAMP(3) columns hold UTC; inside JSON they arrive as text without a zone. */
function utcDate(text: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
}
