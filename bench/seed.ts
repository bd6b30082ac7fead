import crypto from 'node:crypto';
import type { Pool } from 'pg';

/**
 * Bench data, written with set-based SQL (INSERT ... SELECT generate_series), never through the API:
 * a million rows take seconds this way, and the API's own costs stay out of the set-up.
 */
export const SITE = 'bench';
export const READ_PAGE = '/2026/01/carney-beijing';
export const READ_COMMENTS = 200;
/** Top-level comments on the read page; the rest are replies (two levels). */
const READ_ROOTS = 140;
export const FILLER_PAGES = 10_000;
/** The write workload's site: pre-moderated with the defaults a new site gets, so each POST stores a comment and its job. */
export const WRITE_SITE = 'bench-pre';
/** An owner token whose pending comment sits on the read page: a reader who has just commented. */
export const OWNER_TOKEN = 'benchownertoken0000000000000000';

export const WRITE_SITE_SETTINGS = {
  mode: 'pre',
  maxLinks: 10,
  minSubmitSeconds: 0,
  autoApproveReturning: true,
  requireFormToken: false,
  rateLimit: { perIp: { max: 1_000_000, windowSeconds: 60 }, perEmail: { max: 1_000_000, windowSeconds: 60 } },
};

export const SITE_SETTINGS = {
  mode: 'post',
  maxLinks: 10,
  minSubmitSeconds: 0,
  autoApproveReturning: false,
  requireFormToken: false,
  // Flood limits set high: the write workload simulates many readers, not one flooding client.
  rateLimit: { perIp: { max: 1_000_000, windowSeconds: 60 }, perEmail: { max: 1_000_000, windowSeconds: 60 } },
};

const BODY = [
  'I read this twice and I am still not sure the author weighs the trade-offs fairly.',
  'The **export numbers** quoted in the third paragraph come from last year, and the new figures tell a different story:',
  'see https://stats.example.org/trade/2025 for the series.\n\nStill, the argument about supply chains holds up well.',
].join(' ');

export async function seedBase(pool: Pool): Promise<{ apiKey: string }> {
  const apiKey = `pk_${crypto.randomBytes(32).toString('base64url')}`;
  const keyHash = crypto.createHash('sha256').update(apiKey).digest('hex');
  await pool.query(
    `INSERT INTO "Site" ("id", "name", "allowedOrigins", "settings") VALUES ($1, 'Bench News', ARRAY['https://news.example'], $2::jsonb)`,
    [SITE, JSON.stringify(SITE_SETTINGS)],
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "Moderator" ("name", "email") VALUES ('Bench Moderator', 'bench-mod@news.example') RETURNING "id"`,
  );
  await pool.query(`INSERT INTO "SiteModerator" ("siteId", "moderatorId") VALUES ($1, $2)`, [SITE, rows[0].id]);
  await pool.query(`INSERT INTO "ApiKey" ("moderatorId", "keyHash") VALUES ($1, $2)`, [rows[0].id, keyHash]);

  // The read page: 200 approved comments, 140 top-level, 60 replies (40 at depth 1, 20 at depth 2).
  const { rows: pages } = await pool.query<{ id: string }>(
    `INSERT INTO "Page" ("siteId", "key", "url", "title", "approvedCount", "version", "createdAt")
     VALUES ($1, $2, 'https://news.example/2026/01/carney-beijing', 'Canada''s Strategic Shift', $3, 1, now() - interval '2 days')
     RETURNING "id"`,
    [SITE, READ_PAGE, READ_COMMENTS],
  );
  const pageId = pages[0].id;
  await pool.query(
    `INSERT INTO "Comment" ("id", "siteId", "pageId", "name", "email", "website", "body", "status", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, $1, $2, 'Reader ' || i, 'reader' || i || '@example.org',
            CASE WHEN i % 5 = 0 THEN 'https://reader' || i || '.example/' END,
            'Comment ' || i || '. ' || $3, 'approved', md5('o' || i), md5('f' || i),
            now() - interval '2 days' + i * interval '1 minute', now()
     FROM generate_series(1, $4) AS i`,
    [SITE, pageId, BODY, READ_ROOTS],
  );
  // depth 1: replies to roots 1..40; depth 2: replies to the first 20 depth-1 replies
  await pool.query(
    `INSERT INTO "Comment" ("id", "siteId", "pageId", "parentId", "rootId", "depth", "name", "email", "body", "status", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     SELECT ('00000000-0000-4000-8001-' || lpad(to_hex(i), 12, '0'))::uuid, $1, $2,
            ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 1,
            'Replier ' || i, 'replier' || i || '@example.org', 'Reply ' || i || '. ' || $3, 'approved', md5('r' || i), md5('rf' || i),
            now() - interval '1 day' + i * interval '1 minute', now()
     FROM generate_series(1, 40) AS i`,
    [SITE, pageId, BODY],
  );
  await pool.query(
    `INSERT INTO "Comment" ("id", "siteId", "pageId", "parentId", "rootId", "depth", "name", "email", "body", "status", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     SELECT ('00000000-0000-4000-8002-' || lpad(to_hex(i), 12, '0'))::uuid, $1, $2,
            ('00000000-0000-4000-8001-' || lpad(to_hex(i), 12, '0'))::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 2,
            'Second replier ' || i, 'second' || i || '@example.org', 'Nested reply ' || i || '. ' || $3, 'approved', md5('s' || i), md5('sf' || i),
            now() - interval '12 hours' + i * interval '1 minute', now()
     FROM generate_series(1, $4) AS i`,
    [SITE, pageId, BODY, READ_COMMENTS - READ_ROOTS - 40],
  );
  // The reader holding OWNER_TOKEN has one pending comment on the read page (a reply to root 3).
  await pool.query(
    `INSERT INTO "Comment" ("siteId", "pageId", "parentId", "rootId", "depth", "name", "email", "body", "status", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     VALUES ($1, $2, '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000003', 1, 'Owner reader', 'owner@example.org',
             'My own reply, still waiting for a moderator.', 'pending', $3, md5('owner'), now() - interval '1 hour', now())`,
    [SITE, pageId, crypto.createHash('sha256').update(OWNER_TOKEN).digest('hex')],
  );
  // The write site, with the same moderator (one email per held comment).
  await pool.query(
    `INSERT INTO "Site" ("id", "name", "allowedOrigins", "settings") VALUES ($1, 'Bench Pre', ARRAY['https://news.example'], $2::jsonb)`,
    [WRITE_SITE, JSON.stringify(WRITE_SITE_SETTINGS)],
  );
  await pool.query(`INSERT INTO "SiteModerator" ("siteId", "moderatorId") VALUES ($1, $2)`, [WRITE_SITE, rows[0].id]);
  // Filler pages, so counts and comments spread over many pages.
  await pool.query(
    `INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt")
     SELECT $1, '/p/' || i, 'https://news.example/p/' || i, 'Article ' || i, now() - interval '30 days'
     FROM generate_series(1, $2) AS i`,
    [SITE, FILLER_PAGES],
  );
  return { apiKey };
}

/**
 * Adds filler comments until the table holds `total` rows: 80% approved, 15% pending, 5% spam,
 * spread over the filler pages and over the last 30 days. Page counters follow.
 */
export async function growComments(pool: Pool, total: number): Promise<void> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Comment"`);
  const have = Number(rows[0].n);
  const batch = 250_000;
  for (let from = have + 1; from <= total; from += batch) {
    const to = Math.min(total, from + batch - 1);
    await pool.query(
      `INSERT INTO "Comment" ("siteId", "pageId", "name", "email", "body", "status", "ownerTokenHash", "fingerprint", "ip", "createdAt", "updatedAt")
       SELECT $1, p."id", 'Filler ' || i, 'filler' || (i % 50000) || '@example.org', 'Filler comment ' || i || ' ' || $2,
              (CASE WHEN i % 20 < 16 THEN 'approved' WHEN i % 20 < 19 THEN 'pending' ELSE 'spam' END)::"CommentStatus",
              md5('fo' || i), md5('ff' || i), '10.9.' || (i % 250) || '.' || (i % 200),
              now() - interval '30 days' + (i % 2592000) * interval '1 second', now()
       FROM generate_series($3::int, $4::int) AS i
       JOIN "Page" p ON p."siteId" = $1 AND p."key" = '/p/' || (1 + i % ${FILLER_PAGES})`,
      [SITE, BODY.slice(0, 120), from, to],
    );
  }
  await pool.query(
    `UPDATE "Page" p SET "approvedCount" = c.n, "version" = p."version" + 1
     FROM (SELECT "pageId", count(*)::int AS n FROM "Comment" WHERE "status" = 'approved' GROUP BY "pageId") c
     WHERE c."pageId" = p."id" AND p."key" LIKE '/p/%'`,
  );
  await pool.query('VACUUM ANALYZE "Comment"');
  await pool.query('VACUUM ANALYZE "Page"');
}

export async function commentCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Comment"`);
  return Number(rows[0].n);
}

export async function pendingIds(pool: Pool, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT "id"::text AS id FROM "Comment" WHERE "siteId" = $1 AND "status" = 'pending' ORDER BY "createdAt", "id" LIMIT $2`,
    [SITE, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * The hot queries, written as Prisma sends them (the thread, the moderation queue, counts, a POST's
 * duplicate check and flood counter), with EXPLAIN (ANALYZE, BUFFERS) plans for the results file.
 */
export async function explainHotQueries(pool: Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ id: string }>(`SELECT "id"::text AS id FROM "Page" WHERE "siteId" = $1 AND "key" = $2`, [SITE, READ_PAGE]);
  const pageId = rows[0].id;
  const roots = (await pool.query<{ id: string }>(
    `SELECT "id"::text AS id FROM "Comment" WHERE "pageId" = $1 AND "parentId" IS NULL AND "status" = 'approved' ORDER BY "createdAt", "id" LIMIT 51`,
    [pageId],
  )).rows.map((r) => r.id);
  const queries: Record<string, [string, unknown[]]> = {
    threadPage: [`SELECT "id", "title", "closed", "createdAt", "approvedCount", "version" FROM "Page" WHERE "siteId" = $1 AND "key" = $2 LIMIT 1`, [SITE, READ_PAGE]],
    threadTopLevel: [
      `SELECT "id", "parentId", "rootId", "name", "website", "body", "createdAt", "status" FROM "Comment"
       WHERE "pageId" = $1 AND "parentId" IS NULL AND "status" = 'approved' ORDER BY "createdAt" ASC, "id" ASC LIMIT 51`,
      [pageId],
    ],
    threadReplies: [
      `SELECT "id", "parentId", "rootId", "name", "website", "body", "createdAt", "status" FROM "Comment"
       WHERE "rootId" = ANY($1::uuid[]) AND "status" = 'approved' ORDER BY "createdAt" ASC, "id" ASC`,
      [roots],
    ],
    moderationPending: [
      `SELECT c."id", c."name", c."email", c."body", c."status", c."createdAt", p."key" FROM "Comment" c JOIN "Page" p ON p."id" = c."pageId"
       WHERE c."siteId" = $1 AND c."status" = 'pending' ORDER BY c."createdAt" ASC, c."id" ASC LIMIT 51`,
      [SITE],
    ],
    moderationApprovedNewest: [
      `SELECT c."id", c."createdAt" FROM "Comment" c WHERE c."siteId" = $1 AND c."status" = 'approved' ORDER BY c."createdAt" DESC, c."id" DESC LIMIT 51`,
      [SITE],
    ],
    counts50: [
      `SELECT "key", "approvedCount" FROM "Page" WHERE "siteId" = $1 AND "key" = ANY($2::text[])`,
      [SITE, Array.from({ length: 50 }, (_, i) => `/p/${i + 1}`)],
    ],
    duplicateCheck: [
      `SELECT "id" FROM "Comment" WHERE "pageId" = $1 AND "fingerprint" = $2 AND lower("email") = lower($3) AND "status" <> 'deleted' LIMIT 1`,
      [pageId, 'x'.repeat(64), 'jane@example.org'],
    ],
  };
  const plans: Record<string, string> = {};
  for (const [name, [sql, params]] of Object.entries(queries)) {
    const res = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    plans[name] = res.rows.map((r) => r['QUERY PLAN']).join('\n');
  }
  return plans;
}

let writeCounter = 0;
/** One distinct comment from a distinct client address (X-Forwarded-For; Parley runs with TRUST_PROXY=1). */
export function writeRequest(prefix = ''): { headers: Record<string, string>; body: string } {
  const n = ++writeCounter;
  return {
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    body: JSON.stringify({
      page: `/w/${n % 500}`,
      pageUrl: `https://news.example/w/${n % 500}`,
      pageTitle: `Write target ${n % 500}`,
      name: `Writer ${n}`,
      email: `${prefix}writer${n}-${process.pid}@example.org`,
      body: `Comment number ${n} from the write workload (${prefix || 'parley'}). The figures in the second paragraph deserve a second look.`,
    }),
  };
}

