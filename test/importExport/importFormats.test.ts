import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordsFrom } from '../../src/importExport/importSource';
import { commentFingerprint } from '../../src/moderation/commentFingerprint';
import { runCli } from '../cli/cliHarness';
import { createSite, createTestApp, type TestApp } from '../helpers/testApp';
import { fixture, siteShapes, storedComments, threadShape } from './importHelpers';

let t: TestApp;
let tmp: string;
beforeAll(async () => {
  t = await createTestApp();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-import-'));
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const BUDGET = '/2023/11/elections-budget/';

describe('WordPress (WXR) import', () => {
  let site: string;
  beforeAll(async () => {
    site = await createSite(t.ctx, { settings: { maxDepth: 5 } });
  });

  test('keeps threads (even a parent that comes later in the file), statuses, names, emails, websites, IPs and dates', async () => {
    const run = await runCli(t.ctx, 'import', site, '--format', 'wxr', fixture('wordpress.xml'));
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`8 comment(s) imported into "${site}", 2 new page(s); 2 skipped`);
    expect(run.out).not.toContain('@'); // never an email in the operator's summary

    const budget = await threadShape(t, site, BUDGET);
    expect(budget.total).toBe(4);
    // 101 <- 105 <- 103 <- 106, although 103 (a reply to 105) comes before 105 in the file.
    expect(budget.comments).toEqual([
      expect.objectContaining({
        name: "Sean O'Brien & Co",
        createdAt: '2023-11-02T09:15:00.000Z',
        replies: [
          expect.objectContaining({
            name: 'Jun Takahashi',
            replies: [
              expect.objectContaining({
                name: 'Amélie Dubois',
                text: expect.stringContaining('très réussi ! Merci pour ce résumé 🎉'),
                replies: [expect.objectContaining({ name: 'יעל כהן', replies: [] })],
              }),
            ],
          }),
        ],
      }),
    ]);

    const old = await threadShape(t, site, '/?p=7');
    expect(old).toMatchObject({ total: 1, closed: true, comments: [{ name: 'Zoë <the first>', replies: [] }] });
    // A post with no comments makes no page; neither does an attachment without comments.
    const keys = (await t.ctx.prisma.page.findMany({ where: { siteId: site } })).map((p) => p.key).sort();
    expect(keys).toEqual(['/2023/11/elections-budget/', '/?p=7']);

    const rows = await t.ctx.prisma.comment.findMany({ where: { siteId: site } });
    const byKey = new Map(rows.map((r) => [r.importKey, r]));
    expect(byKey.get('wxr:blog.example:101')).toMatchObject({
      email: 'sean.obrien@mail.example', website: 'https://sean.example/', ip: '203.0.113.7', status: 'approved', depth: 0,
    });
    expect(byKey.get('wxr:blog.example:103')).toMatchObject({ ip: '2001:db8::1f', depth: 2, website: null });
    expect(byKey.get('wxr:blog.example:105')!.body).toBe(
      'The tables are on page 14 of the PDF (https://council.example/budget.pdf). Look for "capital" & "operating".',
    );
    expect(byKey.get('wxr:blog.example:106')!.body).toContain('if (a < b && b > c) { x = "]]>" }'); // CDATA split by WordPress
    expect(byKey.get('wxr:blog.example:107')!.status).toBe('spam');
    expect(byKey.get('wxr:blog.example:108')).toMatchObject({ status: 'deleted', depth: 1 });
    // Pending; a javascript: website and an IP of "unknown" are dropped rather than stored.
    expect(byKey.get('wxr:blog.example:109')).toMatchObject({ status: 'pending', website: null, ip: null });
    expect(byKey.get('wxr:blog.example:21')!.body).toBe('First!\nSecond line.');
    expect(byKey.has('wxr:blog.example:104')).toBe(false); // pingback
    expect(byKey.has('wxr:blog.example:22')).toBe(false); // trackback
    for (const r of rows) {
      expect(r.fingerprint).toBe(commentFingerprint(r.body));
      expect(r.ownerTokenHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(rows.map((r) => r.ownerTokenHash)).size).toBe(rows.length);

    // Counts and versions are right; no notification was queued and the spam model learnt nothing.
    const page = await t.ctx.prisma.page.findFirstOrThrow({ where: { siteId: site, key: BUDGET } });
    expect(page.approvedCount).toBe(4);
    expect(page.version).toBeGreaterThan(0);
    expect(page.title).toBe('Ça commence : élections & budget');
    expect(page.url).toBe('https://blog.example/2023/11/elections-budget/');
    expect(await t.ctx.prisma.job.count()).toBe(0);
    expect(await t.ctx.prisma.spamToken.count({ where: { siteId: site } })).toBe(0);
  });

  test('running the same import again adds nothing', async () => {
    const before = await storedComments(t, site);
    const pages = await t.ctx.prisma.page.findMany({ where: { siteId: site }, orderBy: { key: 'asc' } });
    const run = await runCli(t.ctx, 'import', site, '--format', 'wxr', fixture('wordpress.xml'));
    expect(run.code).toBe(0);
    expect(run.out).toContain('0 comment(s) imported');
    expect(run.out).toContain('10 skipped');
    expect(await storedComments(t, site)).toEqual(before);
    expect(await t.ctx.prisma.page.findMany({ where: { siteId: site }, orderBy: { key: 'asc' } })).toEqual(pages);
  });

  test('--dry-run reads and checks everything, says what it would import, and stores nothing', async () => {
    const fresh = await createSite(t.ctx);
    const run = await runCli(t.ctx, 'import', fresh, '--format', 'wxr', fixture('wordpress.xml'), '--dry-run');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Dry run, nothing was stored: 8 comment(s) would be imported into "${fresh}", 2 new page(s); 2 skipped`);
    expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(0);
    expect(await t.ctx.prisma.page.count({ where: { siteId: fresh } })).toBe(0);
  });

  test('a broken file is refused with its line and column, and nothing of it stays', async () => {
    const fresh = await createSite(t.ctx);
    const run = await runCli(t.ctx, 'import', fresh, '--format', 'wxr', fixture('wordpress-broken.xml'));
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/line 130, column \d+/);
    expect(run.err).toContain('Nothing was imported');
    expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(0);
    expect(await t.ctx.prisma.page.count({ where: { siteId: fresh } })).toBe(0);
  });

  test('a Disqus file given as WXR is refused by name', async () => {
    const fresh = await createSite(t.ctx);
    const run = await runCli(t.ctx, 'import', fresh, '--format', 'wxr', fixture('disqus.xml'));
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/not a WordPress export .*<disqus>/);
  });
});

describe('Disqus import', () => {
  let site: string;
  beforeAll(async () => {
    site = await createSite(t.ctx, { settings: { maxDepth: 5 } });
  });

  test('threads by dsq:id parent (also when the parent comes later), isSpam and isDeleted, pages by link path', async () => {
    const run = await runCli(t.ctx, 'import', site, '--format', 'disqus', fixture('disqus.xml'));
    expect(run.code).toBe(0);
    expect(run.out).toContain(`6 comment(s) imported into "${site}", 2 new page(s); 0 skipped`);

    const river = await threadShape(t, site, '/2022/05/river-cleanup/');
    expect(river.total).toBe(3);
    expect(river.comments).toEqual([
      expect.objectContaining({
        name: 'Marta & Luís',
        text: 'Great work by everyone who came. 👏🏽 Ça fait plaisir.',
        createdAt: '2022-05-10T08:05:00.000Z',
        replies: [
          expect.objectContaining({
            name: 'Kofi Mensah',
            text: expect.stringContaining('I was there on Saturday — we pulled out three shopping carts.'),
            replies: [expect.objectContaining({ name: 'Sam', replies: [] })],
          }),
        ],
      }),
    ]);
    // The link's query (?utm_source=feed) is not part of the key; the thread was closed on Disqus.
    expect(await threadShape(t, site, '/2022/06/quiet-week/')).toMatchObject({ total: 1, closed: true, comments: [{ name: 'ليلى' }] });

    const rows = new Map((await t.ctx.prisma.comment.findMany({ where: { siteId: site } })).map((r) => [r.importKey, r]));
    expect(rows.get('disqus:newsroom-example:9003')!.status).toBe('spam');
    expect(rows.get('disqus:newsroom-example:9004')).toMatchObject({ status: 'deleted', depth: 1, email: '' });
    expect(rows.get('disqus:newsroom-example:9002')).toMatchObject({ email: 'kofi@mail.example', ip: '203.0.113.80', depth: 1 });

    const again = await runCli(t.ctx, 'import', site, '--format', 'disqus', fixture('disqus.xml'));
    expect(again.out).toContain('0 comment(s) imported');
    expect(await t.ctx.prisma.comment.count({ where: { siteId: site } })).toBe(6);
  });
});

describe('Parley export and import', () => {
  let site: string;
  beforeAll(async () => {
    site = await createSite(t.ctx, { settings: { maxDepth: 5 } });
    expect((await runCli(t.ctx, 'import', site, '--format', 'wxr', fixture('wordpress.xml'))).code).toBe(0);
    expect((await runCli(t.ctx, 'import', site, '--format', 'disqus', fixture('disqus.xml'))).code).toBe(0);
  });

  test('the Parley export of an imported site, imported into a fresh site, gives the same threads; re-imports add nothing', async () => {
    const file = path.join(tmp, 'imported.json');
    const exported = await runCli(t.ctx, 'export', site, '--file', file);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain('4 page(s), 14 comment(s)');

    const fresh = await createSite(t.ctx, { settings: { maxDepth: 5 } });
    const run = await runCli(t.ctx, 'import', fresh, '--format', 'parley', file);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`14 comment(s) imported into "${fresh}", 4 new page(s); 0 skipped`);
    expect(await siteShapes(t, fresh)).toEqual(await siteShapes(t, site));
    expect(await storedComments(t, fresh)).toEqual(await storedComments(t, site));

    // The import keys travelled with the export: the original files add nothing to the new site either.
    expect((await runCli(t.ctx, 'import', fresh, '--format', 'parley', file)).out).toContain('0 comment(s) imported');
    expect((await runCli(t.ctx, 'import', fresh, '--format', 'wxr', fixture('wordpress.xml'))).out).toContain('0 comment(s) imported');
    expect((await runCli(t.ctx, 'import', fresh, '--format', 'disqus', fixture('disqus.xml'))).out).toContain('0 comment(s) imported');
    expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(14);
  });

  test('a WXR export is well-formed WordPress XML that imports back into the same threads', async () => {
    const file = path.join(tmp, 'out.wxr');
    const exported = await runCli(t.ctx, 'export', site, '--format', 'wxr', '--file', file);
    expect(exported.code).toBe(0);
    const xml = fs.readFileSync(file, 'utf8');
    expect(xml).toContain('<wp:wxr_version>1.2</wp:wxr_version>');
    expect(xml).toContain('<![CDATA[Sean O\'Brien &amp; Co]]>'); // names escaped as WordPress stores them

    const fresh = await createSite(t.ctx, { settings: { maxDepth: 5 } });
    const run = await runCli(t.ctx, 'import', fresh, '--format', 'wxr', file);
    expect(run.code).toBe(0);
    // Rejected has no WordPress twin (it goes to the trash), so compare what readers see: the threads.
    expect(await siteShapes(t, fresh)).toEqual(await siteShapes(t, site));
    const statuses = async (s: string) => (await storedComments(t, s)).map((c) => c.status).sort();
    expect(await statuses(fresh)).toEqual(await statuses(site));
    // Each comment carries its key as comment meta: the file adds nothing to either site a second time.
    expect(xml).toContain('<wp:meta_key><![CDATA[parley_key]]></wp:meta_key>');
    expect((await runCli(t.ctx, 'import', fresh, '--format', 'wxr', file)).out).toContain('0 comment(s) imported');
    expect((await runCli(t.ctx, 'import', site, '--format', 'wxr', file)).out).toContain('0 comment(s) imported');
    expect((await runCli(t.ctx, 'import', fresh, '--format', 'wxr', fixture('wordpress.xml'))).out).toContain('0 comment(s) imported');
  });

  test('the Parley reader streams any layout in any chunk size: pretty-printed, one line, split inside strings', async () => {
    const file = path.join(tmp, 'imported.json');
    const read = async (f: string, highWaterMark: number) => {
      const out = [];
      for await (const r of recordsFrom('parley', fs.createReadStream(f, { highWaterMark }))) out.push(r);
      return JSON.parse(JSON.stringify(out));
    };
    const whole = await read(file, 1 << 20);
    expect(whole.filter((r: { kind: string }) => r.kind === 'comment')).toHaveLength(14);
    expect(whole[whole.length - 1]).toMatchObject({ kind: 'site', id: site });
    expect(await read(file, 5)).toEqual(whole);
    // The same data laid out by another tool (indented, keys with brackets in strings) reads the same.
    const pretty = path.join(tmp, 'pretty.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    data.site.name = 'A [tricky] {name} with "quotes" and \\ backslashes';
    fs.writeFileSync(pretty, JSON.stringify(data, null, 2));
    const again = await read(pretty, 3);
    expect(again.slice(0, -1)).toEqual(whole.slice(0, -1));
    expect(again[again.length - 1].name).toBe(data.site.name);
  });

  test('a Parley file cut short, or with a bad comment, is refused by position and imports nothing', async () => {
    const text = fs.readFileSync(path.join(tmp, 'imported.json'), 'utf8');
    const fresh = await createSite(t.ctx);
    const cut = path.join(tmp, 'cut.json');
    fs.writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.7)));
    const run = await runCli(t.ctx, 'import', fresh, '--format', 'parley', cut);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/line \d+/);
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, text.replace('"status":"approved"', '"status":"maybe"'));
    const refused = await runCli(t.ctx, 'import', fresh, '--format', 'parley', bad);
    expect(refused.err).toMatch(/comments\[\d+\] \(line \d+\): status/);
    expect(refused.err).not.toContain('@');
    // Broken JSON inside a comment: the error says where, without quoting the text (V8 would quote the email).
    const broken = path.join(tmp, 'broken.json');
    fs.writeFileSync(broken, text.replace(/"email":"([^"]*)"/, '"email":"$1" oops'));
    const syntax = await runCli(t.ctx, 'import', fresh, '--format', 'parley', broken);
    expect(syntax.err).toMatch(/comments\[0\] \(line \d+\) is not valid JSON \(unexpected character/);
    expect(syntax.err).not.toContain('@');
    expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(0);
  });

  test('NUL characters (valid in JSON, impossible in Postgres text) are dropped, not a failed import', async () => {
    const text = fs.readFileSync(path.join(tmp, 'imported.json'), 'utf8');
    const file = path.join(tmp, 'nul.json');
    fs.writeFileSync(file, text.replace('"name":"', '"name":"\\u0000').replace('"body":"', '"body":"N\\u0000UL '));
    const fresh = await createSite(t.ctx);
    const run = await runCli(t.ctx, 'import', fresh, '--format', 'parley', file);
    expect(run.code).toBe(0);
    const rows = await t.ctx.prisma.comment.findMany({ where: { siteId: fresh } });
    expect(rows).toHaveLength(14);
    expect(rows.some((r) => r.body.startsWith('NUL '))).toBe(true);
    expect(rows.every((r) => !r.name.includes('\u0000') && !r.body.includes('\u0000'))).toBe(true);
  });

  test('export to standard output is the same JSON', async () => {
    const run = await runCli(t.ctx, 'export', site);
    const data = JSON.parse(run.out);
    expect(data).toMatchObject({ format: 'parley-site-export', version: 1, site: { id: site } });
    expect(data.comments).toHaveLength(14);
  });
});
