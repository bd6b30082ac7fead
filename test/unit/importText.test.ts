import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { cdata, xmlText } from '../../src/importExport/exportSite';
import { cleanName, cleanWebsite, htmlToText, pageKeyFromUrl, parseSourceDate } from '../../src/importExport/importText';
import { recordsFrom } from '../../src/importExport/importSource';
import type { ImportFormat } from '../../src/importExport/importRecords';

const fixtures = path.join(__dirname, '..', 'fixtures', 'import');

test.each([
  ['Sean O&#039;Brien &amp; Co', "Sean O'Brien & Co"],
  ['Zoë &lt;the first&gt;', 'Zoë <the first>'],
  ['<b>Bold</b> name', 'Bold name'],
  ['Other Blog &#8211; Weekly links', 'Other Blog – Weekly links'],
  ['  \u202eevil\u202c  ', 'evil'],
  ['', 'Anonymous'],
])('name %j reads %j', (raw, name) => {
  expect(cleanName(raw)).toBe(name);
});

test.each([
  ['<p>One</p><p>Two</p>', 'One\n\nTwo'],
  ['First!<br />\nSecond line.', 'First!\nSecond line.'],
  ['See <a href="https://x.example/a?b=1&amp;c=2" rel="nofollow">the doc</a>', 'See the doc (https://x.example/a?b=1&c=2)'],
  ['<a href="https://x.example/">https://x.example/</a>', 'https://x.example/'],
  ['if (a &lt; b &amp;&amp; b &gt; c)', 'if (a < b && b > c)'],
  ['a < b and c > d', 'a < b and c > d'],
  ['<!-- wp:paragraph --><p>Hi</p><!-- /wp:paragraph -->', 'Hi'],
])('comment HTML %j becomes %j', (html, text) => {
  expect(htmlToText(html)).toBe(text);
});

test('websites: only http(s) survive', () => {
  expect(cleanWebsite('https://sean.example/')).toBe('https://sean.example/');
  expect(cleanWebsite('javascript:alert(1)')).toBeNull();
  expect(cleanWebsite('http://')).toBeNull();
  expect(cleanWebsite('')).toBeNull();
});

test('page keys are the URL path; a plain permalink keeps its query', () => {
  expect(pageKeyFromUrl('https://blog.example/2023/11/budget/')).toBe('/2023/11/budget/');
  expect(pageKeyFromUrl('https://news.example/2022/06/quiet-week/?utm_source=feed')).toBe('/2022/06/quiet-week/');
  expect(pageKeyFromUrl('https://blog.example/?p=7')).toBe('/?p=7');
  expect(pageKeyFromUrl('https://blog.example/caf%C3%A9/')).toBe('/caf%C3%A9/');
  expect(pageKeyFromUrl('not a url')).toBeNull();
});

test('dates: WordPress GMT as UTC; the empty WordPress date is none', () => {
  expect(parseSourceDate('2023-11-02 09:15:00')!.toISOString()).toBe('2023-11-02T09:15:00.000Z');
  expect(parseSourceDate('2022-05-10T08:05:00Z', false)!.toISOString()).toBe('2022-05-10T08:05:00.000Z');
  expect(parseSourceDate('0000-00-00 00:00:00')).toBeNull();
});

test('CDATA and text escaping keep any string well-formed', () => {
  const nasty = 'a ]]> b <c> & "d" \u0001 \ud800 é 🎉';
  const xml = `<r a="${xmlText(nasty)}">${cdata(nasty)}${xmlText(nasty)}</r>`;
  let text = '';
  const parser = new SaxesParser();
  parser.on('cdata', (t) => (text += t));
  parser.write(xml).close();
  expect(text).toBe('a ]]> b <c> & "d"   é 🎉');
});

test.each<[ImportFormat, string]>([['wxr', 'wordpress.xml'], ['disqus', 'disqus.xml']])(
  'the %s reader gives the same records whatever the chunk size (multi-byte characters split across chunks)',
  async (format, name) => {
    const read = async (highWaterMark: number) => {
      const out = [];
      for await (const r of recordsFrom(format, fs.createReadStream(path.join(fixtures, name), { highWaterMark }))) out.push(r);
      return out;
    };
    const whole = await read(1 << 20);
    expect(whole.length).toBeGreaterThan(5);
    const plain = (rs: unknown[]) => JSON.parse(JSON.stringify(rs));
    expect(plain(await read(7))).toEqual(plain(whole));
  },
);

test('entity bombs and external entities are refused, never expanded', async () => {
  const bomb = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><link>https://a.example/x/</link><wp:comment><wp:comment_id>1</wp:comment_id>
<wp:comment_content>&lol2; &xxe;</wp:comment_content></wp:comment></item></channel></rss>`;
  const read = async () => {
    for await (const _ of recordsFrom('wxr', Readable.from([bomb])));
  };
  await expect(read()).rejects.toThrow(/line 4, column \d+: undefined entity/);
});
