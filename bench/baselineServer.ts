/**
 * The practical limit for the read workload: a minimal node:http + pg server that answers
 * GET /api/v1/sites/:site/comments?page= with the same queries and the same JSON as Parley
 * (it uses Parley's own presenter, so the bytes are identical), and nothing else: no framework,
 * no middleware, no cache, no security headers, no compression.
 *   DATABASE_URL=... PORT=... node --import tsx bench/baselineServer.ts
 */
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

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const m = /^\/api\/v1\/sites\/([^/]+)\/comments$/.exec(url.pathname);
  if (!m) {
    res.writeHead(404).end();
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
