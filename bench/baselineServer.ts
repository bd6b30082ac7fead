/**
 * The practical limit for the read and write workloads: a minimal node:http + pg server.
 * GET /api/v1/sites/:site/comments?page= runs the same queries and sends the same JSON as Parley
 * (it uses Parley's own presenter, so the bytes are identical). POST to the same path parses the same
 * JSON and stores the same rows (page if new, comment, notification job) in one statement, answering
 * 201 with a comparable body. Nothing else: no framework, no middleware, no rules, no cache, no
 * security headers, no compression.
 *   DATABASE_URL=... PORT=... node --import tsx bench/baselineServer.ts
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { Pool, types } from 'pg';
import { presentPublicComment } from '../src/comments/presentComment';

types.setTypeParser(1114, (v) => new Date(v.replace(' ', 'T') + 'Z'));

type Row = { id: string; parentId: string | null; rootId: string | null; name: string; website: string | null; body: string; createdAt: Date; status: string };
type Node = ReturnType<typeof presentPublicComment> & { replies: Node[] };

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const COLUMNS = `"id"::text, "parentId"::text, "rootId"::text, "name", "website", "body", "createdAt", "status"::text`;

async function thread(site: string, key: string, limit: number): Promise<string> {
  const page = (await pool.query(
    `SELECT p."id"::text, p."title", p."closed", p."approvedCount", COALESCE((s."settings"->>'maxDepth')::int, 3) AS "maxDepth"
     FROM "Page" p JOIN "Site" s ON s."id" = p."siteId" WHERE p."siteId" = $1 AND p."key" = $2`,
    [site, key],
  )).rows[0];
  if (!page) return JSON.stringify({ page: { key, title: null, closed: false, maxDepth: 3 }, total: 0, comments: [], nextCursor: null });
  const top = (await pool.query<Row>(
    `SELECT ${COLUMNS} FROM "Comment" WHERE "pageId" = $1 AND "parentId" IS NULL AND "status" = 'approved'
     ORDER BY "createdAt", "id" LIMIT $2`,
    [page.id, limit + 1],
  )).rows;
  const roots = top.slice(0, limit);
  const replies = roots.length
    ? (await pool.query<Row>(
        `SELECT ${COLUMNS} FROM "Comment" WHERE "rootId" = ANY($1::uuid[]) AND "status" = 'approved' ORDER BY "createdAt", "id"`,
        [roots.map((r) => r.id)],
      )).rows
    : [];
  const byId = new Map<string, Node>();
  const tree = roots.map((r) => {
    const n: Node = { ...presentPublicComment(r), replies: [] };
    byId.set(r.id, n);
    return n;
  });
  for (const r of replies) byId.set(r.id, { ...presentPublicComment(r), replies: [] });
  for (const r of replies) (byId.get(r.parentId ?? '') ?? byId.get(r.rootId ?? ''))?.replies.push(byId.get(r.id)!);
  const last = roots[roots.length - 1];
  const nextCursor = top.length > limit
    ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
    : null;
  return JSON.stringify({ page: { key, title: page.title, closed: page.closed, maxDepth: page.maxDepth }, total: page.approvedCount, comments: tree, nextCursor });
}

// Page (if new), held comment and its notification job, in one statement: what Parley stores for a held comment.
const INSERT_SQL = `
WITH existing AS (SELECT "id" FROM "Page" WHERE "siteId" = $1 AND "key" = $2),
created AS (
  INSERT INTO "Page" ("siteId", "key", "url", "title", "createdAt", "approvedCount", "version")
  SELECT $1, $2, $3, $4, $5, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM existing)
  ON CONFLICT ("siteId", "key") DO NOTHING RETURNING "id"),
page AS (SELECT "id" FROM existing UNION ALL SELECT "id" FROM created),
comment AS (
  INSERT INTO "Comment" ("id", "siteId", "pageId", "name", "email", "website", "body", "status", "reasons", "ip", "userAgent",
    "ownerTokenHash", "fingerprint", "notifyReplies", "createdAt", "updatedAt")
  SELECT $6::uuid, $1, page."id", $7, $8, $9, $10, 'pending', '{}'::text[], $11, $12, $13, $14, false, $5, $5 FROM page
  RETURNING "id"),
job AS (
  INSERT INTO "Job" ("kind", "payload", "maxAttempts", "runAt", "createdAt")
  SELECT 'notify_new_comment', jsonb_build_object('siteId', $1::text, 'commentId', comment."id"::text), 10,
    timezone('UTC', now()), timezone('UTC', now()) FROM comment)
SELECT "id" FROM comment`;

async function write(site: string, req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string | undefined>;
  const id = crypto.randomUUID();
  const token = crypto.randomBytes(24).toString('base64url');
  const now = new Date();
  const params = [
    site, b.page, b.pageUrl ?? null, b.pageTitle ?? null, now, id, b.name, b.email, b.website ?? null, b.body,
    (req.headers['x-forwarded-for'] as string | undefined) ?? req.socket.remoteAddress ?? null, req.headers['user-agent'] ?? null,
    crypto.createHash('sha256').update(token).digest('hex'), crypto.createHash('sha256').update(b.body ?? '').digest('hex'),
  ];
  const { rowCount } = await pool.query(INSERT_SQL, params);
  if (!rowCount) await pool.query(INSERT_SQL, params);
  return JSON.stringify({
    comment: { id, parentId: null, name: b.name, website: b.website ?? null, html: b.body, createdAt: now.toISOString(), status: 'pending' },
    ownerToken: token,
    message: 'Your comment is awaiting moderation.',
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const m = /^\/api\/v1\/sites\/([^/]+)\/comments$/.exec(url.pathname);
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  if (req.method === 'POST') {
    try {
      const body = await write(m[1], req);
      res.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8' }).end(body);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
    return;
  }
  try {
    const body = await thread(m[1], url.searchParams.get('page') ?? '', Number(url.searchParams.get('limit') ?? 50));
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(body);
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
