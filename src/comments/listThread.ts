import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { AppContext } from '../context';
import { isPageClosed } from '../moderation/rules/pageClosed';
import type { SiteRecord } from '../sites/siteRepository';
import { decodeCursor, encodeCursor } from './cursor';
import { findPage, type PageRow } from './findPage';
import { findPageAndOwnPending, ownerViewOptions, ownPendingComments, withOwnPending, withOwnPendingJson } from './ownerView';
import { hashOwnerToken } from './ownerTokens';
import { presentPublicComment, type PublicComment } from './presentComment';
import { cursorAround, listRoots, type ThreadSort } from './threadRoots';

export interface ThreadComment extends PublicComment {
  replies: ThreadComment[];
}

export interface ThreadResponse {
  /** maxDepth: the deepest reply level the site accepts, so clients offer Reply only where it can work. */
  page: { key: string; title: string | null; closed: boolean; maxDepth: number };
  total: number;
  comments: ThreadComment[];
  nextCursor?: string | null;
  /** Set when a permalink (`around`) opened the thread past its first page: earlier comments exist. */
  earlier?: boolean;
}

export interface RenderedThread {
  thread: ThreadResponse;
  /** The JSON text of `thread`, ready to send. */
  json: string;
  etag: string;
  /** True when the thread includes the caller's own pending comments (must not be shared by caches). */
  personal: boolean;
  /**
   * The JSON compressed once per cached thread (br, gzip), filled in on first use by compressedBody().
   * A reader's own view shares it with every reload of that same view (src/comments/ownerView.ts).
   */
  compressed?: Partial<Record<ThreadEncoding, Buffer>>;
  /** The JSON as UTF-8 bytes, made once per cached thread by identityBody(). */
  body?: Buffer;
  /** A reader's own view: its bytes in pieces (views of the cached thread's bytes and the inserts), in order. */
  parts?: Buffer[];
}

export type ThreadEncoding = 'br' | 'gzip';

/**
 * The thread's JSON in an encoding, compressed at most once per cached thread: compressing a 100 KB thread
 * on every request would cost more CPU (and, for brotli, memory) than producing it from the cache.
 */
export function compressedBody(rendered: RenderedThread, encoding: ThreadEncoding): Buffer {
  rendered.compressed ??= {};
  let body = rendered.compressed[encoding];
  if (!body) {
    body = encoding === 'br'
      ? zlib.brotliCompressSync(rendered.json, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } })
      : zlib.gzipSync(rendered.json, { level: 6 });
    rendered.compressed[encoding] = body;
  }
  return body;
}

/**
 * The thread's JSON as bytes, encoded once per cached thread. Sending the string made a new 100+ KB buffer
 * for every request: at thousands of reads a second that churn, not the cache, set the process's peak memory.
 */
export function identityBody(rendered: RenderedThread): Buffer {
  return (rendered.body ??= Buffer.from(rendered.json, 'utf8'));
}

/** The JSON's length in bytes, without joining a reader's own view from its parts. */
export function bodyLength(rendered: RenderedThread): number {
  return rendered.parts ? rendered.parts.reduce((sum, part) => sum + part.length, 0) : identityBody(rendered).length;
}

const COLUMNS = {
  id: true, parentId: true, rootId: true, name: true, website: true, body: true, createdAt: true, status: true,
} as const;

/**
 * The public thread of a page: approved comments as a tree, oldest first, paged by top-level comment,
 * plus the caller's own pending comments when it shows their owner tokens.
 *
 * Threads without owner tokens are cached per instance, keyed by the page's `version`, which every
 * change to the public thread bumps; so the cache is correct across instances at the cost of one
 * indexed page lookup per request (shared with the requests that arrive alongside it: findPage).
 */
export async function listThread(
  ctx: AppContext,
  args: {
    site: SiteRecord; pageKey: string; ownerTokens: string[]; limit: number; cursor?: string; sort?: ThreadSort; around?: string;
    /** The page row when the caller already read it. */
    page?: PageRow | null;
  },
): Promise<RenderedThread> {
  const { site, pageKey, limit } = args;
  const sort = args.sort ?? 'oldest';
  let after = decodeCursor(args.cursor);
  const ownerHashes = args.ownerTokens.map(hashOwnerToken);
  const ownView = ownerHashes.length > 0 && !args.around && (sort === 'oldest' || sort === 'newest') && ownerViewOptions.splice;
  // A reader's own view: the page lookup everyone's reads make, and their pending comments as last read
  // unless one has changed since (src/comments/ownerView.ts).
  const found = args.page === undefined && ownView ? await findPageAndOwnPending(ctx, site.id, pageKey, ownerHashes) : null;
  const page = args.page !== undefined ? args.page : found ? found.page : await findPage(ctx, site.id, pageKey);
  if (page && ownView) {
    // The shared (cached) thread plus their pending comments, spliced in.
    const [shared, pending] = await Promise.all([
      listThread(ctx, { ...args, ownerTokens: [], page }),
      found ? null : ownPendingComments(ctx, page.id, ownerHashes),
    ]);
    const view = { order: sort === 'newest' ? 'desc' as const : 'asc' as const, after };
    const own = found ? withOwnPendingJson(shared, found.pendingJson, view) : withOwnPending(shared, pending!, view);
    if (own) return own;
  }
  const closed = page ? isPageClosed(page, site.settings, ctx.now()) : false;
  const cacheKey = page && ownerHashes.length === 0 ? `${page.id}|${page.version}|${closed}|${site.settings.maxDepth}|${limit}|${args.cursor ?? ''}|${sort}|${args.around ?? ''}` : null;
  const cache = threadCacheFor(ctx);
  if (cacheKey) {
    const hit = cache.get(cacheKey);
    if (hit) return hit;
  }

  let thread: ThreadResponse;
  let personal = false;
  if (!page) {
    thread = { page: { key: pageKey, title: null, closed: false, maxDepth: site.settings.maxDepth }, total: 0, comments: [], nextCursor: null };
  } else {
    const visible = ownerHashes.length
      ? { OR: [{ status: 'approved' as const }, { status: 'pending' as const, ownerTokenHash: { in: ownerHashes } }] }
      : { status: 'approved' as const };
    // A permalink opens the page of the thread that holds its comment (the cursor is ignored then).
    const aroundCursor = args.around
      ? await cursorAround(ctx, { pageId: page.id, ownerHashes, sort, commentId: args.around, limit })
      : undefined;
    if (args.around) after = aroundCursor;
    const topLevel = sort !== 'oldest' || aroundCursor ? await listRoots(ctx, { pageId: page.id, ownerHashes, sort, after, limit }) : await ctx.prisma.comment.findMany({
      where: {
        pageId: page.id,
        parentId: null,
        // Both filters use OR, so they are combined with AND rather than spread into one object.
        AND: [
          visible,
          after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {},
        ],
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
      select: COLUMNS,
    });
    const hasMore = topLevel.length > limit;
    const roots = topLevel.slice(0, limit);
    const replies = roots.length
      ? await ctx.prisma.comment.findMany({
          where: { rootId: { in: roots.map((r) => r.id) }, ...visible },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: COLUMNS,
        })
      : [];
    personal = [...roots, ...replies].some((c) => c.status !== 'approved');
    thread = {
      page: { key: pageKey, title: page.title, closed, maxDepth: site.settings.maxDepth },
      total: page.approvedCount,
      comments: buildTree(roots, replies),
      nextCursor: hasMore ? encodeCursor(cursorOf(roots[roots.length - 1])) : null,
      ...(aroundCursor ? { earlier: true } : {}),
    };
  }

  const json = JSON.stringify(thread);
  const rendered: RenderedThread = {
    thread,
    json,
    etag: `W/"${crypto.createHash('sha1').update(json).digest('base64url')}"`,
    personal,
  };
  if (cacheKey) cache.put(cacheKey, rendered);
  return rendered;
}

/** The cursor after a row: its sort key when the page was read in another order than by posting time. */
function cursorOf(row: Row & { sortKey?: Date }): { createdAt: Date; id: string } {
  return { createdAt: row.sortKey ?? row.createdAt, id: row.id };
}

type Row = { id: string; parentId: string | null; rootId: string | null; name: string; website: string | null; body: string; createdAt: Date; status: string };

function buildTree(roots: Row[], replies: Row[]): ThreadComment[] {
  const byId = new Map<string, ThreadComment>();
  const top = roots.map((r) => {
    const node: ThreadComment = { ...presentPublicComment(r), replies: [] };
    byId.set(r.id, node);
    return node;
  });
  for (const r of replies) byId.set(r.id, { ...presentPublicComment(r), replies: [] });
  for (const r of replies) {
    // A reply whose parent is no longer visible hangs under its top-level comment rather than vanishing.
    const parent = byId.get(r.parentId ?? '') ?? byId.get(r.rootId ?? '');
    parent?.replies.push(byId.get(r.id)!);
  }
  return top;
}

/**
 * Rendered threads, least recently used first out. Bounded by size rather than count: a 200-comment thread
 * is about 130 KB of JSON (plus its parsed tree), and memory is what a busy instance runs out of.
 */
const THREAD_CACHE_MAX_BYTES = 24 * 1024 * 1024;

class ThreadCache {
  private entries = new Map<string, RenderedThread>();
  private bytes = 0;

  get(key: string): RenderedThread | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  put(key: string, rendered: RenderedThread): void {
    const old = this.entries.get(key);
    if (old) this.bytes -= ThreadCache.size(old);
    this.entries.delete(key);
    this.entries.set(key, rendered);
    this.bytes += ThreadCache.size(rendered);
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= THREAD_CACHE_MAX_BYTES || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= ThreadCache.size(value);
    }
  }

  // The JSON text three times over approximates text, its bytes and the parsed tree; compressed copies are a few per cent more.
  private static size(r: RenderedThread): number {
    return r.json.length * 3;
  }
}

const threadCaches = new WeakMap<object, ThreadCache>();
function threadCacheFor(ctx: AppContext): ThreadCache {
  let cache = threadCaches.get(ctx.prisma);
  if (!cache) threadCaches.set(ctx.prisma, (cache = new ThreadCache()));
  return cache;
}
