import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { AppContext } from '../context';
import { coalesce } from '../db/coalesce';
import { jsonParameter } from '../db/jsonParameter';
import { prepared } from '../db/preparedStatement';
import type { Cursor } from './cursor';
import { findPage, type PageRow } from './findPage';
import { SizedCache } from '../db/sizedCache';
import { ownerHashParameters } from './ownerTokens';
import { identityBody, type RenderedThread, type ThreadComment, type ThreadResponse } from './listThread';
import { presentPublicComment } from './presentComment';

/**
 * A reader's own view of a thread: the shared cached thread plus their own pending comments.
 * Every reader who has commented sends owner tokens on each reload; building their thread from scratch
 * cost ten times a cached read. Instead their pending comments (one small query on the ownerTokenHash
 * index) are spliced into the cached JSON text at the places a full rebuild would put them: top-level
 * ones by posting time within this page of the thread, replies under their parent (or, when the parent
 * is not visible, under their top-level comment), replies to their own pending comments under those.
 */

/** Tests turn the splice off to compare it with a full rebuild of the same thread. */
export const ownerViewOptions = { splice: true };

type PendingRow = { id: string; parentId: string | null; rootId: string | null; name: string; website: string | null; body: string; createdAt: Date; status: string };

export async function ownPendingComments(ctx: AppContext, pageId: string, ownerHashes: string[]): Promise<PendingRow[]> {
  const owners = ownerHashParameters(ownerHashes, 2);
  const { rows } = await ctx.pool.query<PendingRow>(
    prepared(
      ctx,
      // By owner token first, as in findPageWithOwnPending below.
      `WITH mine AS MATERIALIZED (
         SELECT "id", "pageId", "parentId", "rootId", "name", "website", "body", "createdAt", "status"
           FROM "Comment" WHERE "ownerTokenHash" IN (${owners.list}) AND "status" = 'pending')
       SELECT "id"::text AS "id", "parentId"::text AS "parentId", "rootId"::text AS "rootId", "name", "website", "body", "createdAt", "status"::text AS "status"
       FROM mine WHERE "pageId" = $1::uuid
       ORDER BY "createdAt", "id"`,
      [pageId, ...owners.values],
    ),
  );
  return rows;
}

/**
 * The page and the reader's pending comments on it, for a reader's reload: the page from the lookup every read
 * makes (findPage, shared with the reads alongside it), their pending comments as this instance last read them
 * for the same owner tokens, unless the page's pendingVersion has moved since. A new comment comes with a new
 * token, so the reader's own posts change the key by themselves; triggers bump pendingVersion on every other
 * change to a pending comment (migration 20261202090000_pending_version), whichever instance or tool made it.
 * On a miss the page and the comments are read together and kept under that statement's pendingVersion.
 */
export async function findPageAndOwnPending(
  ctx: AppContext,
  siteId: string,
  key: string,
  ownerHashes: string[],
): Promise<{ page: PageRow | null; pendingJson: string | null }> {
  const page = await findPage(ctx, siteId, key);
  if (!page) return { page: null, pendingJson: null };
  const owners = [...new Set(ownerHashes)].sort().join(',');
  const kept = ownPendingKept.get(`${page.id}\n${page.pendingVersion}\n${owners}`);
  if (kept !== undefined) return { page, pendingJson: kept };
  const found = await findPageWithOwnPending(ctx, siteId, key, ownerHashes);
  if (found.page) ownPendingKept.set(`${found.page.id}\n${found.page.pendingVersion}\n${owners}`, found.pendingJson);
  return found;
}

/** Readers' pending comments (JSON text, null for none) by page, pendingVersion and owner tokens. */
const ownPendingKept = new SizedCache<string | null>(4 * 1024 * 1024);

/**
 * The page and the reader's pending comments on it in one round trip (what a cached read costs: one lookup).
 * The pending comments come as their JSON text: a reader's reloads send the same text, which keys the
 * splice below, so a reload that finds nothing changed is neither parsed nor spliced again.
 *
 * Like the page lookup of everyone else's reads (src/comments/findPage.ts), readers' lookups that arrive
 * while others are in flight go together in one statement, each with its own owner tokens; none joins a
 * lookup that started before it arrived.
 */
export function findPageWithOwnPending(
  ctx: AppContext,
  siteId: string,
  key: string,
  ownerHashes: string[],
): Promise<{ page: PageRow | null; pendingJson: string | null }> {
  return ownLookupFor(ctx, ctx.pool)({ siteId, key, ownerHashes });
}

interface OwnLookup { siteId: string; key: string; ownerHashes: string[] }
interface OwnFound { page: PageRow | null; pendingJson: string | null }

const ownLookups = new WeakMap<Pool, (lookup: OwnLookup) => Promise<OwnFound>>();

function ownLookupFor(ctx: Pick<AppContext, 'config'>, pool: Pool): (lookup: OwnLookup) => Promise<OwnFound> {
  let lookup = ownLookups.get(pool);
  if (!lookup) {
    const maxInFlight = Math.min(2, pool.options.max ?? 1);
    lookup = coalesce<OwnLookup, OwnFound>((lookups) => findOwnBatch(ctx, pool, lookups), { maxInFlight, maxBatch: 64 });
    ownLookups.set(pool, lookup);
  }
  return lookup;
}

async function findOwnBatch(ctx: Pick<AppContext, 'config'>, pool: Pool, lookups: OwnLookup[]): Promise<PromiseSettledResult<OwnFound>[]> {
  if (lookups.length === 1) return Promise.allSettled([findOwn(ctx, pool, lookups[0])]);
  try {
    const { rows } = await pool.query<PageRow & { n: number; pending: string | null }>(prepared(
      ctx,
      OWN_BATCH_SQL,
      [jsonParameter(lookups.map((l, n) => ({ n, siteId: l.siteId, key: l.key, owners: [...new Set(l.ownerHashes)] })))],
    ));
    const found = new Map(rows.map(({ n, pending, ...page }) => [n, { page, pendingJson: pending }]));
    return lookups.map((_, n) => ({ status: 'fulfilled', value: found.get(n) ?? { page: null, pendingJson: null } }));
  } catch (err) {
    return lookups.map(() => ({ status: 'rejected', reason: err }));
  }
}

async function findOwn(ctx: Pick<AppContext, 'config'>, pool: Pool, lookup: OwnLookup): Promise<OwnFound> {
  const owners = ownerHashParameters(lookup.ownerHashes, 3);
  const { rows } = await pool.query<PageRow & { pending: string | null }>(
    prepared(ctx, pageWithPendingSql(owners.values.length, owners.list), [lookup.siteId, lookup.key, ...owners.values]),
  );
  if (!rows[0]) return { page: null, pendingJson: null };
  const { pending, ...page } = rows[0];
  return { page, pendingJson: pending };
}

/** A pending comment as JSON, the same in both statements (its text keys the reuse of a spliced view). */
const PENDING_JSON = `json_agg(json_build_object('id', c."id"::text, 'parentId', c."parentId"::text, 'rootId', c."rootId"::text,
             'name', c."name", 'website', c."website", 'body', c."body", 'createdAt', c."createdAt", 'status', c."status"::text)
             ORDER BY c."createdAt", c."id")::text`;

/** By number of owner parameters: the text is made once (the prepared statement's name is looked up by it). */
const pageWithPendingSqlBySize = new Map<number, string>();
function pageWithPendingSql(size: number, list: string): string {
  let sql = pageWithPendingSqlBySize.get(size);
  if (!sql) {
    // The reader's pending comments first, by owner token alone: in one WHERE with the page, Postgres's
    // generic plan walked every comment of the page (its pageId index) to find them.
    sql = `WITH mine AS MATERIALIZED (
         SELECT c."id", c."pageId", c."parentId", c."rootId", c."name", c."website", c."body", c."createdAt", c."status"
           FROM "Comment" c WHERE c."ownerTokenHash" IN (${list}) AND c."status" = 'pending')
       SELECT p."id"::text AS "id", p."title", p."closed", p."createdAt", p."approvedCount", p."version", p."pendingVersion",
         (SELECT ${PENDING_JSON} FROM mine c WHERE c."pageId" = p."id") AS "pending"
       FROM "Page" p WHERE p."siteId" = $1 AND p."key" = $2`;
    pageWithPendingSqlBySize.set(size, sql);
  }
  return sql;
}

/**
 * Several readers' lookups, one JSON array of { n, siteId, key, owners }: each reader's pending comments
 * are found by their own tokens (one index look-up per token), then kept to their page.
 */
const OWN_BATCH_SQL = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x("n" int, "siteId" text, "key" text, "owners" text[])
), mine AS MATERIALIZED (
  SELECT i."n", c."id", c."pageId", c."parentId", c."rootId", c."name", c."website", c."body", c."createdAt", c."status"
  FROM input i CROSS JOIN LATERAL unnest(i."owners") AS owner("hash")
  JOIN "Comment" c ON c."ownerTokenHash" = owner."hash" AND c."status" = 'pending'
)
SELECT i."n", p."id"::text AS "id", p."title", p."closed", p."createdAt", p."approvedCount", p."version", p."pendingVersion",
  (SELECT ${PENDING_JSON} FROM mine c WHERE c."n" = i."n" AND c."pageId" = p."id") AS "pending"
FROM input i
-- One index look-up per reader (LIMIT keeps it a nested loop): guessing 100 input rows, the planner would
-- otherwise hash-join them against every page of every site.
CROSS JOIN LATERAL (SELECT * FROM "Page" p WHERE p."siteId" = i."siteId" AND p."key" = i."key" LIMIT 1) p`;

function parsePending(json: string | null): PendingRow[] {
  const rows = json ? (JSON.parse(json) as Array<Omit<PendingRow, 'createdAt'> & { createdAt: string }>) : [];
  // TIMESTAMP(3) holds UTC; inside JSON it arrives as text without a zone.
  return rows.map((r) => ({ ...r, createdAt: new Date(`${r.createdAt}Z`) }));
}

interface Slot { id: string; createdAt: string; end: number }
interface ListSpan { start: number; items: Slot[] }
/** Where each list of the cached JSON starts and where each of its comments ends, by comment id (roots under ''). */
interface ThreadIndex { lists: Map<string, ListSpan> }

const indexes = new WeakMap<RenderedThread, ThreadIndex | null>();

/**
 * Serialises the thread again exactly as JSON.stringify did, noting offsets. Built once per cached thread
 * (and kept with it); null if the text would differ, in which case the caller rebuilds the thread instead.
 */
function indexOf(rendered: RenderedThread): ThreadIndex | null {
  if (indexes.has(rendered)) return indexes.get(rendered)!;
  const MARK = '\u0000parley-comments\u0000';
  const skeleton = JSON.stringify({ ...rendered.thread, comments: MARK } as unknown as ThreadResponse);
  const marker = JSON.stringify(MARK);
  const at = skeleton.indexOf(marker);
  let index: ThreadIndex | null = null;
  if (at >= 0) {
    const lists = new Map<string, ListSpan>();
    let out = skeleton.slice(0, at) + '[';
    let bytes = Buffer.byteLength(out);
    const emit = (text: string) => {
      out += text;
      bytes += Buffer.byteLength(text);
    };
    const emitList = (key: string, nodes: ThreadComment[]) => {
      const list: ListSpan = { start: bytes, items: [] };
      lists.set(key, list);
      nodes.forEach((node, i) => {
        if (i) emit(',');
        const own = JSON.stringify({ ...node, replies: [] });
        if (!own.endsWith('[]}')) throw new Error('replies must be the last field of a thread comment');
        emit(own.slice(0, -2));
        emitList(node.id, node.replies);
        emit(']}');
        list.items.push({ id: node.id, createdAt: node.createdAt, end: bytes });
      });
    };
    try {
      emitList('', rendered.thread.comments);
      out += ']' + skeleton.slice(at + marker.length);
      if (out === rendered.json) index = { lists };
    } catch {
      index = null;
    }
  }
  indexes.set(rendered, index);
  return index;
}

type ViewOptions = { order: 'asc' | 'desc'; after?: Cursor };

/**
 * Where the reader's pending comments go: byte offsets in the shared thread's body, and the view's ETag.
 * `compressed` holds the view compressed (compressedBody), made on the first request that asks for it:
 * a browser always does, and compressing a 130 KB thread on every reload cost ten times a cached read.
 * `view` is the assembled view, kept for the reloads that find the same pending comments.
 */
interface Splice {
  inserts: Array<{ at: number; bytes: Buffer }>;
  etag: string;
  compressed: NonNullable<RenderedThread['compressed']>;
  view?: RenderedThread;
}

/**
 * The shared thread with the reader's pending comments in place, or null when that cannot be done
 * exactly (the caller then builds the thread the slow way).
 */
export function withOwnPending(shared: RenderedThread, pending: PendingRow[], opts: ViewOptions): RenderedThread | null {
  return assemble(shared, spliceOf(shared, pending, opts));
}

/**
 * As withOwnPending, from the pending comments' JSON text (findPageWithOwnPending). The splice is kept
 * with the shared thread, keyed by that text and the options: it depends on nothing else, and a reader
 * reloading an unchanged page then costs what a cached read does. Kept per shared thread, so it goes
 * when the thread changes; a few per thread, oldest out.
 */
export function withOwnPendingJson(shared: RenderedThread, pendingJson: string | null, opts: ViewOptions): RenderedThread | null {
  if (!pendingJson) return shared;
  if (pendingJson.length > SPLICE_KEY_MAX_CHARS) return withOwnPending(shared, parsePending(pendingJson), opts);
  let kept = splices.get(shared);
  if (!kept) splices.set(shared, (kept = new Map()));
  const key = `${opts.order}\n${opts.after ? `${opts.after.createdAt.toISOString()}\n${opts.after.id}` : '\n'}\n${pendingJson}`;
  let splice = kept.get(key);
  if (splice === undefined) {
    splice = spliceOf(shared, parsePending(pendingJson), opts);
    if (kept.size >= SPLICES_PER_THREAD) kept.delete(kept.keys().next().value!);
    kept.set(key, splice);
  }
  return typeof splice === 'object' && splice ? (splice.view ??= assemble(shared, splice)!) : assemble(shared, splice);
}

const SPLICES_PER_THREAD = 64;
/** Many long pending comments are not kept: their text, as the key, would hold more memory than it saves. */
const SPLICE_KEY_MAX_CHARS = 16 * 1024;
const splices = new WeakMap<RenderedThread, Map<string, Splice | 'shared' | null>>();

/** 'shared' when none of the pending comments shows on this page of the thread; null when it cannot be done exactly. */
function spliceOf(shared: RenderedThread, pendingRows: PendingRow[], opts: ViewOptions): Splice | 'shared' | null {
  if (pendingRows.length === 0) return 'shared';
  const index = indexOf(shared);
  if (!index) return null;
  // One approved between the reads of the pending comments and of the thread is in the thread already: once, as published.
  const pending = pendingRows.filter((r) => !index.lists.has(r.id));
  if (pending.length === 0) return 'shared';
  // Replies to one's own pending comments travel inside them.
  const nodes = new Map(pending.map((r) => [r.id, { ...presentedPending(r), replies: [] as ThreadComment[] }]));
  const byList = new Map<string, ThreadComment[]>();
  const add = (key: string, node: ThreadComment) => byList.set(key, [...(byList.get(key) ?? []), node]);
  for (const r of pending) {
    const node = nodes.get(r.id)!;
    const pendingParent = r.parentId ? nodes.get(r.parentId) : undefined;
    if (pendingParent) pendingParent.replies.push(node);
    else if (!r.parentId) {
      if (inWindow(shared.thread, index.lists.get('')!, node, opts)) add('', node);
    } else if (index.lists.has(r.parentId)) add(r.parentId, node);
    else if (r.rootId && index.lists.has(r.rootId)) add(r.rootId, node);
  }
  if (byList.size === 0) return 'shared';

  const inserts: Array<{ at: number; text: string }> = [];
  for (const [key, added] of byList) {
    const list = index.lists.get(key)!;
    const desc = key === '' && opts.order === 'desc';
    const groups = new Map<number, string[]>();
    for (const node of added) {
      // How many existing comments come before it in this list.
      const k = list.items.filter((s) => (desc ? compare(s, node) > 0 : compare(s, node) < 0)).length;
      groups.set(k, [...(groups.get(k) ?? []), JSON.stringify(node)]);
    }
    for (const [k, texts] of groups) {
      inserts.push(k === 0
        ? { at: list.start, text: texts.join(',') + (list.items.length ? ',' : '') }
        : { at: list.items[k - 1].end, text: ',' + texts.join(',') });
    }
  }
  inserts.sort((a, b) => a.at - b.at);
  const own = crypto.createHash('sha1').update(inserts.map((i) => `${i.at}:${i.text}`).join('\n')).digest('base64url').slice(0, 16);
  return {
    inserts: inserts.map((i) => ({ at: i.at, bytes: Buffer.from(i.text, 'utf8') })),
    etag: shared.etag.replace(/"$/, `.${own}"`),
    compressed: {},
  };
}

function assemble(shared: RenderedThread, splice: Splice | 'shared' | null): RenderedThread | null {
  if (splice === null || splice === 'shared') return splice === null ? null : shared;
  // Views of the shared bytes around the inserts, no copy: routes write the parts as they are. A joined
  // 100+ KB copy per request piled up outside the V8 heap until the next collection (up to ~70 MB under load).
  const base = identityBody(shared);
  const parts: Buffer[] = [];
  let from = 0;
  for (const ins of splice.inserts) {
    parts.push(base.subarray(from, ins.at), ins.bytes);
    from = ins.at;
  }
  parts.push(base.subarray(from));
  return new OwnView(parts, splice.etag, splice.compressed);
}

/** A reader's own view: the shared thread's bytes with their pending comments in between. */
class OwnView implements RenderedThread {
  readonly personal = true;
  constructor(readonly parts: Buffer[], readonly etag: string, readonly compressed: Splice['compressed']) {}

  // Joined, decoded and parsed only when asked for (the no-JS embed wants the tree), and not kept: a view
  // is kept for its reader's reloads, and would then hold all three.
  get body(): Buffer {
    return Buffer.concat(this.parts);
  }
  get json(): string {
    return this.body.toString('utf8');
  }
  get thread(): ThreadResponse {
    return JSON.parse(this.json) as ThreadResponse;
  }
}

/**
 * Rendering a comment's Markdown is most of an own-view request's CPU, and the same reader reloads the same
 * pending comments: their presentation is kept, keyed by everything it shows (an edit makes a new entry).
 */
const PRESENTED_MAX = 1_000;
const presented = new Map<string, ReturnType<typeof presentPublicComment>>();
function presentedPending(r: PendingRow) {
  const key = `${r.id}:${crypto.createHash('sha1').update(`${r.createdAt.getTime()}\u0000${r.name}\u0000${r.website ?? ''}\u0000${r.status}\u0000${r.body}`).digest('base64url')}`;
  let hit = presented.get(key);
  if (!hit) {
    hit = presentPublicComment(r);
    if (presented.size >= PRESENTED_MAX) presented.delete(presented.keys().next().value!);
    presented.set(key, hit);
  }
  return hit;
}

function compare(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A pending top-level comment belongs to this page of the thread: after the cursor, and not past its last root when more follow. */
function inWindow(thread: ThreadResponse, roots: ListSpan, node: ThreadComment, opts: { order: 'asc' | 'desc'; after?: Cursor }): boolean {
  const sign = opts.order === 'asc' ? 1 : -1;
  if (opts.after && sign * compare(node, { createdAt: opts.after.createdAt.toISOString(), id: opts.after.id }) <= 0) return false;
  const last = roots.items[roots.items.length - 1];
  if (thread.nextCursor && last && sign * compare(node, last) > 0) return false;
  return true;
}
