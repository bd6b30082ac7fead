import crypto from 'node:crypto';
import type { CommentStatus } from '../generated/prisma/client';
import { cleanEmail, cleanIp, cleanName, cleanWebsite, htmlToText, pageKeyFromUrl, parseSourceDate } from './importText';
import { ImportFormatError, type ImportRecord } from './importRecords';
import { PARLEY_KEY_META } from './exportSite';
import { streamXml } from './streamXml';

/** WordPress `comment_approved` values; anything else (a plugin's own state) waits for a moderator. */
const STATUS: Record<string, CommentStatus> = { '1': 'approved', '0': 'pending', spam: 'spam', trash: 'deleted', 'post-trashed': 'deleted' };

const ITEM_FIELDS = new Set(['title', 'link', 'guid', 'wp:post_id', 'wp:post_date_gmt', 'wp:post_date', 'wp:comment_status', 'wp:post_type']);
const COMMENT_FIELDS = new Set([
  'wp:comment_id', 'wp:comment_author', 'wp:comment_author_email', 'wp:comment_author_url', 'wp:comment_author_IP',
  'wp:comment_date', 'wp:comment_date_gmt', 'wp:comment_content', 'wp:comment_approved', 'wp:comment_type', 'wp:comment_parent',
]);
const META_FIELDS = new Set(['wp:meta_key', 'wp:meta_value']);
const CHANNEL_FIELDS = new Set(['wp:base_blog_url', 'wp:base_site_url', 'link', 'wp:wxr_version']);

/**
 * Reads a WordPress export (WXR 1.0 to 1.2, as Tools > Export writes it) as a stream: each `<item>` (post,
 * page, attachment) is a page keyed by its link's path, each `<wp:comment>` in it a comment. Pingbacks and
 * trackbacks are skipped. Import keys are `wxr:<blog address>:<comment id>`, so the same file, or a later
 * export of the same blog, adds only what is new.
 */
export function parseWxr(input: AsyncIterable<Buffer | string>): AsyncGenerator<ImportRecord> {
  return streamXml<ImportRecord>(input, (emit, where) => {
    let root: string | null = null;
    let blog = '';
    let item: Record<string, string> | null = null;
    let itemNumber = 0;
    let itemComments = 0;
    let comment: Record<string, string> | null = null;
    let meta: Record<string, string> | null = null;

    // Comments are handed over as soon as each one closes (a post with 50,000 comments is not held in
    // memory); the page follows at </item>, once its link and title are known for sure.
    const finishItem = (fields: Record<string, string>) => {
      if (!itemComments) return; // a post with no comments needs no page yet
      const link = (fields.link || fields.guid || '').trim();
      emit({
        kind: 'page',
        ref: `item-${itemNumber}`,
        key: pageKeyFromUrl(link) ?? `/?p=${(fields['wp:post_id'] ?? '').trim() || itemNumber}`,
        url: /^https?:\/\//i.test(link) ? link : null,
        title: htmlToText(fields.title ?? '').slice(0, 500) || null,
        closed: (fields['wp:comment_status'] ?? '').trim() === 'closed',
        createdAt: parseSourceDate(fields['wp:post_date_gmt']) ?? parseSourceDate(fields['wp:post_date']),
      });
    };

    const emitComment = (c: Record<string, string>, pageRef: string) => {
      const type = (c['wp:comment_type'] ?? '').trim();
      if (type === 'pingback' || type === 'trackback') {
        emit({ kind: 'skipped', reason: type });
        return;
      }
      const ref = (c['wp:comment_id'] ?? '').trim() || contentRef(pageRef, c);
      const parent = (c['wp:comment_parent'] ?? '').trim();
      const parentRef = parent && parent !== '0' ? parent : null;
      const approved = (c['wp:comment_approved'] ?? '').trim();
      // A file Parley wrote names each comment's own key: the round trip adds nothing twice, ids are kept.
      const parleyKey = c[PARLEY_KEY_META]?.trim() || null;
      const parleyId = parleyKey ? /^parley:([0-9a-f-]{36})$/.exec(parleyKey)?.[1] : undefined;
      emit({
        kind: 'comment',
        ref,
        key: parleyKey ?? `wxr:${blog}:${ref}`,
        ...(parleyId ? { preferredId: parleyId } : {}),
        pageRef,
        parentRef,
        parentKey: parentRef ? `wxr:${blog}:${parentRef}` : null,
        name: cleanName(c['wp:comment_author'] ?? ''),
        email: cleanEmail(c['wp:comment_author_email']),
        website: cleanWebsite(c['wp:comment_author_url']),
        ip: cleanIp(c['wp:comment_author_IP']),
        userAgent: null,
        body: htmlToText(c['wp:comment_content'] ?? ''),
        status: STATUS[approved] ?? 'pending',
        // The GMT date is the true one; an old export without it has only the blog's local time.
        createdAt: parseSourceDate(c['wp:comment_date_gmt']) ?? parseSourceDate(c['wp:comment_date']) ?? new Date(0),
      });
    };

    return {
      open(tag, path) {
        if (path.length === 0) {
          root = tag.name;
          if (root !== 'rss') throw new ImportFormatError(`This is not a WordPress export (WXR): its root element is <${root}>, not <rss> (${where()}).`);
        }
        if (tag.name === 'item' && path[path.length - 1] === 'channel') {
          item = {};
          itemNumber++;
          itemComments = 0;
        } else if (tag.name === 'wp:comment' && item) {
          comment = {};
        } else if (tag.name === 'wp:commentmeta' && comment) {
          meta = {};
        }
      },
      wantsText(name, path) {
        const parent = path[path.length - 2];
        if (meta && parent === 'wp:commentmeta') return META_FIELDS.has(name);
        if (comment && parent === 'wp:comment') return COMMENT_FIELDS.has(name);
        if (item && parent === 'item') return ITEM_FIELDS.has(name);
        return parent === 'channel' && CHANNEL_FIELDS.has(name);
      },
      close(name, text, path) {
        const parent = path[path.length - 2];
        if (meta && parent === 'wp:commentmeta') {
          if (META_FIELDS.has(name)) meta[name] = text;
        } else if (name === 'wp:commentmeta' && meta) {
          if (comment && meta['wp:meta_key']?.trim() === PARLEY_KEY_META) comment[PARLEY_KEY_META] = meta['wp:meta_value'] ?? '';
          meta = null;
        } else if (name === 'wp:comment' && comment) {
          itemComments++;
          emitComment(comment, `item-${itemNumber}`);
          comment = null;
        } else if (comment && parent === 'wp:comment') {
          if (COMMENT_FIELDS.has(name)) comment[name] = text;
        } else if (name === 'item' && item) {
          finishItem(item);
          item = null;
        } else if (item && parent === 'item') {
          if (ITEM_FIELDS.has(name)) item[name] = text;
        } else if (parent === 'channel') {
          if (name === 'wp:base_blog_url' || (name === 'wp:base_site_url' && !blog) || (name === 'link' && !blog)) blog = blogId(text) || blog;
        }
      },
      end() {
        if (root !== 'rss') throw new ImportFormatError('This is not a WordPress export (WXR): no <rss> element.');
      },
    };
  });
}

/** "https://blog.example/news/" -> "blog.example/news": the same blog whether exported over http or https. */
function blogId(url: string): string {
  try {
    const u = new URL(url.trim());
    return `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url.trim();
  }
}

/** A comment without an id (hand-made files) still needs a stable key: a digest of what it says. */
function contentRef(pageRef: string, c: Record<string, string>): string {
  const digest = crypto
    .createHash('sha256')
    .update([pageRef, c['wp:comment_date_gmt'], c['wp:comment_date'], c['wp:comment_author'], c['wp:comment_content']].join('\u0000'))
    .digest('hex');
  return `h${digest.slice(0, 24)}`;
}
