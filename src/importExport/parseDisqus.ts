import { cleanEmail, cleanIp, cleanName, htmlToText, pageKeyFromUrl, parseSourceDate } from './importText';
import { ImportFormatError, type ImportRecord } from './importRecords';
import { streamXml, type XmlTag } from './streamXml';

const THREAD_FIELDS = new Set(['link', 'title', 'forum', 'createdAt', 'isClosed', 'id']);
const POST_FIELDS = new Set(['message', 'createdAt', 'isDeleted', 'isSpam', 'isApproved', 'ipAddress', 'forum']);
const AUTHOR_FIELDS = new Set(['name', 'email', 'username']);

/**
 * Reads a Disqus export ("Export comments": `<disqus>` with `<thread dsq:id>` elements, then `<post>`s that
 * point at their thread and parent by `dsq:id`). A thread is a page keyed by its link's path; statuses come
 * from isSpam, isDeleted and isApproved. Import keys are `disqus:<forum>:<post id>`.
 */
export function parseDisqus(input: AsyncIterable<Buffer | string>): AsyncGenerator<ImportRecord> {
  return streamXml<ImportRecord>(input, (emit, where) => {
    let root: string | null = null;
    let forum = '';
    let thread: { ref: string; fields: Record<string, string> } | null = null;
    let post: { ref: string; threadRef: string; parentRef: string | null; fields: Record<string, string>; author: Record<string, string> } | null = null;
    let postNumber = 0;

    const dsqId = (tag: XmlTag) => String(tag.attributes['dsq:id'] ?? tag.attributes['id'] ?? '').trim();

    const finishThread = (ref: string, f: Record<string, string>) => {
      if (!forum && f.forum) forum = f.forum.trim();
      const link = (f.link ?? '').trim();
      emit({
        kind: 'page',
        ref,
        key: pageKeyFromUrl(link) ?? pageKeyFromUrl(f.id ?? '') ?? `/disqus/${ref}`,
        url: /^https?:\/\//i.test(link) ? link : null,
        title: htmlToText(f.title ?? '').slice(0, 500) || null,
        closed: (f.isClosed ?? '').trim() === 'true',
        createdAt: parseSourceDate(f.createdAt, false),
      });
    };

    const finishPost = (p: NonNullable<typeof post>) => {
      if (!p.threadRef) throw new ImportFormatError(`Post ${p.ref} names no thread (<thread dsq:id="…"/>), ${where()}.`);
      const f = p.fields;
      const flag = (name: string) => (f[name] ?? '').trim() === 'true';
      const key = (ref: string) => `disqus:${forum || (f.forum ?? '').trim()}:${ref}`;
      emit({
        kind: 'comment',
        ref: p.ref,
        key: key(p.ref),
        pageRef: p.threadRef,
        parentRef: p.parentRef,
        parentKey: p.parentRef ? key(p.parentRef) : null,
        name: cleanName(p.author.name || p.author.username || ''),
        email: cleanEmail(p.author.email),
        website: null,
        ip: cleanIp(f.ipAddress),
        userAgent: null,
        body: htmlToText(f.message ?? ''),
        status: flag('isSpam') ? 'spam' : flag('isDeleted') ? 'deleted' : (f.isApproved ?? '').trim() === 'false' ? 'pending' : 'approved',
        createdAt: parseSourceDate(f.createdAt, false) ?? new Date(0),
      });
    };

    return {
      open(tag, path) {
        const parent = path[path.length - 1];
        if (path.length === 0) {
          root = tag.name;
          if (root !== 'disqus') throw new ImportFormatError(`This is not a Disqus export: its root element is <${root}>, not <disqus> (${where()}).`);
        } else if (path.length === 1 && tag.name === 'thread') {
          thread = { ref: dsqId(tag), fields: {} };
          if (!thread.ref) throw new ImportFormatError(`A <thread> without a dsq:id attribute, ${where()}.`);
        } else if (path.length === 1 && tag.name === 'post') {
          postNumber++;
          post = { ref: dsqId(tag) || `post-${postNumber}`, threadRef: '', parentRef: null, fields: {}, author: {} };
        } else if (post && parent === 'post' && tag.name === 'thread') {
          post.threadRef = dsqId(tag);
        } else if (post && parent === 'post' && tag.name === 'parent') {
          post.parentRef = dsqId(tag) || null;
        }
      },
      wantsText(name, path) {
        const parent = path[path.length - 2];
        if (path.length === 3 && parent === 'thread' && thread) return THREAD_FIELDS.has(name);
        if (path.length === 3 && parent === 'post' && post) return POST_FIELDS.has(name);
        return path.length === 4 && parent === 'author' && post !== null && AUTHOR_FIELDS.has(name);
      },
      close(name, text, path) {
        const parent = path[path.length - 2];
        if (path.length === 2 && name === 'thread' && thread) {
          finishThread(thread.ref, thread.fields);
          thread = null;
        } else if (path.length === 2 && name === 'post' && post) {
          finishPost(post);
          post = null;
        } else if (path.length === 3 && parent === 'thread' && thread && THREAD_FIELDS.has(name)) {
          thread.fields[name] = text;
        } else if (path.length === 3 && parent === 'post' && post && POST_FIELDS.has(name)) {
          post.fields[name] = text;
        } else if (path.length === 4 && parent === 'author' && post && AUTHOR_FIELDS.has(name)) {
          post.author[name] = text;
        }
      },
      end() {
        if (root !== 'disqus') throw new ImportFormatError('This is not a Disqus export: no <disqus> element.');
      },
    };
  });
}
