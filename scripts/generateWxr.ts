/**
 * Writes a large WordPress export (WXR 1.2) for measuring the importer's speed and memory:
 *   npx tsx scripts/generateWxr.ts 100000 /tmp/big.wxr [--per-post 50]
 * Like a real blog's export: posts of ~50 comments, about a third of them replies (some to comments that
 * come later in the file), a few pingbacks, spam and pending ones, accents, emoji and RTL names, CDATA.
 * Deterministic: the same N gives the same file.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const NAMES = ['Amélie Dubois', 'Sean O&#039;Brien', 'Jun Takahashi', 'יעל כהן', 'ليلى', 'Zoë & Co', 'Kofi Mensah', 'Łukasz', 'Søren', 'Ana Peña'];
const WORDS = 'the council budget transit river bridge vote résumé café naïve 🎉 school housing park library election tax road'.split(' ');

export interface GenerateOptions {
  perPost?: number;
}

/** The file as a stream of text chunks (one post per chunk). */
export async function* generateWxr(total: number, opts: GenerateOptions = {}): AsyncGenerator<string> {
  const perPost = opts.perPost ?? 50;
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  yield `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Generated Blog</title>
	<link>https://generated.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://generated.example</wp:base_site_url>
	<wp:base_blog_url>https://generated.example</wp:base_blog_url>
`;
  let id = 0;
  for (let post = 1; id < total; post++) {
    const count = Math.min(perPost, total - id);
    const first = id + 1;
    const parts = [`	<item>
		<title><![CDATA[Post ${post}: ${WORDS[post % WORDS.length]}]]></title>
		<link>https://generated.example/${2000 + (post % 25)}/${String((post % 12) + 1).padStart(2, '0')}/post-${post}/</link>
		<wp:post_id>${post}</wp:post_id>
		<wp:post_date_gmt><![CDATA[2020-01-01 00:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<content:encoded><![CDATA[<p>${'Body of the post. '.repeat(20)}</p>]]></content:encoded>
`];
    // Types first, so replies only answer real comments (a pingback is skipped by the importer).
    const types = Array.from({ length: count }, () => (random() < 0.02 ? 'pingback' : 'comment'));
    const commentable = (i: number) => types[i] === 'comment';
    const answersNext: boolean[] = [];
    for (let i = 0; i < count; i++) {
      id++;
      const r = random();
      // A third are replies, mostly to an earlier comment of the post, sometimes to the next one (parent later).
      let parent = 0;
      if (commentable(i) && i > 0 && r < 0.3) {
        const j = Math.floor(random() * i);
        if (commentable(j) && !(answersNext[j] && j + 1 === i)) parent = first + j; // no loops
      } else if (commentable(i) && i < count - 1 && r > 0.98 && commentable(i + 1)) {
        parent = id + 1;
        answersNext[i] = true;
      }
      const status = r > 0.97 ? 'spam' : r > 0.95 ? '0' : '1';
      const type = types[i];
      const words = Array.from({ length: 10 + Math.floor(random() * 40) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
      const seconds = id * 37;
      const date = new Date(Date.UTC(2020, 0, 1) + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
      parts.push(`		<wp:comment>
			<wp:comment_id>${id}</wp:comment_id>
			<wp:comment_author><![CDATA[${NAMES[id % NAMES.length]}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader${id % 5000}@mail.example]]></wp:comment_author_email>
			<wp:comment_author_url>${id % 3 ? '' : `https://reader${id % 5000}.example/`}</wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.${(id >> 8) % 256}.${id % 256}]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[${date}]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[${date}]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Comment ${id}: ${words}.<br />
<a href="https://example.org/${id}">a link</a> &amp; more]]></wp:comment_content>
			<wp:comment_approved><![CDATA[${status}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[${type}]]></wp:comment_type>
			<wp:comment_parent>${parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
`);
    }
    parts.push('	</item>\n');
    yield parts.join('');
  }
  yield '</channel>\n</rss>\n';
}

async function main(argv: string[]): Promise<void> {
  const [n, file] = argv;
  const perPostAt = argv.indexOf('--per-post');
  if (!n || !file || !/^\d+$/.test(n)) {
    process.stderr.write('Usage: npx tsx scripts/generateWxr.ts <number of comments> <file> [--per-post 50]\n');
    process.exit(64);
  }
  const perPost = perPostAt > 0 ? Number(argv[perPostAt + 1]) : undefined;
  await pipeline(Readable.from(generateWxr(Number(n), { perPost })), fs.createWriteStream(file));
  process.stdout.write(`Wrote ${n} comments to ${file} (${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MB).\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
}
