import type { PoolClient } from 'pg';
import type { AppContext } from '../context';
import { EXPORT_FORMAT, EXPORT_VERSION } from './parleyExportSchema';

export type ExportFormat = 'parley' | 'wxr';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['parley', 'wxr'];

export interface ExportCounts {
  pages: number;
  comments: number;
}

const BATCH = 1000;

interface PageRow {
  id: string;
  key: string;
  url: string | null;
  title: string | null;
  closed: boolean;
  createdAt: Date;
}

interface CommentRow {
  id: string;
  pageId: string;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  name: string;
  email: string;
  website: string | null;
  body: string;
  status: string;
  reasons: string[];
  spamScore: number | null;
  trainedAs: string | null;
  ip: string | null;
  userAgent: string | null;
  ownerTokenHash: string;
  fingerprint: string;
  notifyReplies: boolean;
  createdAt: Date;
  updatedAt: Date;
  moderatedAt: Date | null;
  moderatedById: string | null;
  importKey: string | null;
}

const COMMENT_COLUMNS = `id::text AS "id", "pageId"::text AS "pageId", "parentId"::text AS "parentId", "rootId"::text AS "rootId", depth, name, email,
  website, body, status::text AS status, reasons, "spamScore", "trainedAs", ip, "userAgent", "ownerTokenHash", fingerprint, "notifyReplies",
  "createdAt", "updatedAt", "moderatedAt", "moderatedById"::text AS "moderatedById", "importKey"`;

/**
 * The whole export reads one snapshot (REPEATABLE READ), so pages and comments agree even while readers
 * post, through server-side cursors: each query is sorted once and fetched a batch at a time.
 */
async function* inSnapshot<T>(ctx: AppContext, body: (db: PoolClient) => AsyncGenerator<T>): AsyncGenerator<T> {
  const client = await ctx.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL statement_timeout = '30min'`);
    yield* body(client);
    await client.query('COMMIT');
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}

let cursorCount = 0;
async function* rowsOf<R extends object>(db: PoolClient, sql: string, params: unknown[]): AsyncGenerator<R> {
  const name = `parley_export_${++cursorCount}`;
  await db.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  for (;;) {
    const { rows } = await db.query<R>(`FETCH ${BATCH} FROM ${name}`);
    yield* rows;
    if (rows.length < BATCH) break;
  }
  await db.query(`CLOSE ${name}`);
}

async function loadSite(db: PoolClient, siteId: string) {
  const { rows } = await db.query<{ id: string; name: string; allowedOrigins: string[]; settings: Record<string, unknown>; createdAt: Date }>(
    `SELECT id, name, "allowedOrigins", settings, "createdAt" FROM "Site" WHERE id = $1`,
    [siteId],
  );
  return rows[0] ?? null;
}

function pagesOf(db: PoolClient, siteId: string): AsyncGenerator<PageRow> {
  return rowsOf<PageRow>(db, `SELECT id::text AS id, key, url, title, closed, "createdAt" FROM "Page" WHERE "siteId" = $1 ORDER BY "createdAt", id`, [siteId]);
}

/** Every comment of the site, parents before replies (depth first). */
function commentsOf(db: PoolClient, siteId: string): AsyncGenerator<CommentRow> {
  return rowsOf<CommentRow>(db, `SELECT ${COMMENT_COLUMNS} FROM "Comment" WHERE "siteId" = $1 ORDER BY depth, "createdAt", id`, [siteId]);
}

/**
 * Parley's own export as a stream of text: the usual JSON object, one page or comment per line (still one
 * JSON document; the importer streams it element by element). It holds readers' emails.
 */
export function writeParleyExport(ctx: AppContext, siteId: string, counts: ExportCounts): AsyncGenerator<string> {
  return inSnapshot(ctx, (db) => parleyExport(ctx, db, siteId, counts));
}

async function* parleyExport(ctx: AppContext, db: PoolClient, siteId: string, counts: ExportCounts): AsyncGenerator<string> {
  const site = await loadSite(db, siteId);
  if (!site) throw new SiteNotFound(siteId);
  const head = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: ctx.now(),
    site: { id: site.id, name: site.name, allowedOrigins: site.allowedOrigins, settings: site.settings ?? {}, createdAt: site.createdAt },
  };
  yield `${JSON.stringify(head).slice(0, -1)},\n"pages": [`;
  let first = true;
  for await (const p of pagesOf(db, siteId)) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(p)}`;
    first = false;
    counts.pages++;
  }
  yield '\n],\n"comments": [';
  first = true;
  for await (const c of commentsOf(db, siteId)) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(c)}`;
    first = false;
    counts.comments++;
  }
  yield '\n]}\n';
}

export class SiteNotFound extends Error {
  constructor(readonly siteId: string) {
    super(`No site "${siteId}".`);
  }
}

/**
 * Comment meta carrying the comment's import key (or Parley id): WordPress keeps it as comment meta, and
 * Parley's WXR reader uses it, so importing the file back (here or on another Parley) adds nothing twice.
 */
export const PARLEY_KEY_META = 'parley_key';

/** WordPress has no "rejected": trash is where a refused comment goes there. */
const WP_STATUS: Record<string, string> = { approved: '1', pending: '0', spam: 'spam', deleted: 'trash', rejected: 'trash' };

/**
 * A WordPress export (WXR 1.2) of the site's threads, so a site can move to WordPress: one `<item>` per
 * page (its title, link and date, so WordPress's importer matches the existing post), one `<wp:comment>`
 * per comment with numeric ids and `comment_parent` for threading. Pages are read one at a time.
 */
export function writeWxr(ctx: AppContext, siteId: string, counts: ExportCounts): AsyncGenerator<string> {
  return inSnapshot(ctx, (db) => wxrExport(ctx, db, siteId, counts));
}

async function* wxrExport(ctx: AppContext, db: PoolClient, siteId: string, counts: ExportCounts): AsyncGenerator<string> {
  const site = await loadSite(db, siteId);
  if (!site) throw new SiteNotFound(siteId);
  const base = ctx.publicUrl;
  yield `<?xml version="1.0" encoding="UTF-8" ?>
<!-- Comments exported from Parley (site "${xmlText(site.id)}"). Import with WordPress: Tools > Import > WordPress. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>${cdata(site.name)}</title>
	<link>${xmlText(base)}</link>
	<description></description>
	<pubDate>${ctx.now().toUTCString()}</pubDate>
	<language>en</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>${xmlText(base)}</wp:base_site_url>
	<wp:base_blog_url>${xmlText(base)}</wp:base_blog_url>
	<generator>Parley</generator>
`;
  let postId = 0;
  let commentId = 0;
  for await (const page of pagesOf(db, siteId)) {
    postId++;
    counts.pages++;
    const link = page.url ?? `${base}${page.key.startsWith('/') ? '' : '/'}${page.key}`;
    const parts: string[] = [`
	<item>
		<title>${cdata(page.title ?? page.key)}</title>
		<link>${xmlText(link)}</link>
		<pubDate>${page.createdAt.toUTCString()}</pubDate>
		<dc:creator>${cdata('parley')}</dc:creator>
		<guid isPermaLink="false">${xmlText(link)}</guid>
		<description></description>
		<content:encoded>${cdata('')}</content:encoded>
		<excerpt:encoded>${cdata('')}</excerpt:encoded>
		<wp:post_id>${postId}</wp:post_id>
		<wp:post_date>${cdata(wpDate(page.createdAt))}</wp:post_date>
		<wp:post_date_gmt>${cdata(wpDate(page.createdAt))}</wp:post_date_gmt>
		<wp:comment_status>${cdata(page.closed ? 'closed' : 'open')}</wp:comment_status>
		<wp:ping_status>${cdata('closed')}</wp:ping_status>
		<wp:post_name>${cdata(slugOf(page.key))}</wp:post_name>
		<wp:status>${cdata('publish')}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type>${cdata('post')}</wp:post_type>`];
    // One page's comments at a time: numbered in order of writing, so parents (older) are numbered first.
    const { rows } = await db.query<CommentRow>(
      `SELECT ${COMMENT_COLUMNS} FROM "Comment" WHERE "pageId" = $1 ORDER BY "createdAt", id`,
      [page.id],
    );
    const numbers = new Map<string, number>();
    for (const c of rows) numbers.set(c.id, ++commentId);
    for (const c of rows) {
      counts.comments++;
      parts.push(`
		<wp:comment>
			<wp:comment_id>${numbers.get(c.id)}</wp:comment_id>
			<wp:comment_author>${cdata(htmlEscape(c.name))}</wp:comment_author>
			<wp:comment_author_email>${cdata(c.email)}</wp:comment_author_email>
			<wp:comment_author_url>${xmlText(c.website ?? '')}</wp:comment_author_url>
			<wp:comment_author_IP>${cdata(c.ip ?? '')}</wp:comment_author_IP>
			<wp:comment_date>${cdata(wpDate(c.createdAt))}</wp:comment_date>
			<wp:comment_date_gmt>${cdata(wpDate(c.createdAt))}</wp:comment_date_gmt>
			<wp:comment_content>${cdata(htmlEscape(c.body))}</wp:comment_content>
			<wp:comment_approved>${cdata(WP_STATUS[c.status] ?? '0')}</wp:comment_approved>
			<wp:comment_type>${cdata('comment')}</wp:comment_type>
			<wp:comment_parent>${c.parentId ? numbers.get(c.parentId) ?? 0 : 0}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
			<wp:commentmeta>
				<wp:meta_key>${cdata(PARLEY_KEY_META)}</wp:meta_key>
				<wp:meta_value>${cdata(c.importKey ?? `parley:${c.id}`)}</wp:meta_value>
			</wp:commentmeta>
		</wp:comment>`);
    }
    parts.push('\n\t</item>');
    yield parts.join('');
  }
  yield '\n</channel>\n</rss>\n';
}

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** CDATA for any text: characters XML forbids are dropped, and "]]>" is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(XML_INVALID, '').replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

export function xmlText(text: string): string {
  return text.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** WordPress shows comment content as HTML: a reader's "<3" must stay text. */
function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function wpDate(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

function slugOf(key: string): string {
  const parts = key.split(/[/?#]/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}
