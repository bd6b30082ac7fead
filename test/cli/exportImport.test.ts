import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';
import { runCli } from './cliHarness';

/** Export a site from one database and import it into another (two test databases). */
let source: TestApp;
let target: TestApp;
let siteId: string;
let tmp: string;
const emails: string[] = [];

beforeAll(async () => {
  [source, target] = await Promise.all([createTestApp(), createTestApp()]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-export-'));
  siteId = await createSite(source.ctx, {
    settings: { mode: 'post', rateLimit: { perIp: { max: 1000, windowSeconds: 60 }, perEmail: { max: 1000, windowSeconds: 60 } } },
  });
  const post = async (overrides: Record<string, unknown>) => {
    const input = commentInput(overrides);
    emails.push(input.email);
    const res = await request(source.app).post(`/api/v1/sites/${siteId}/comments`).set('Origin', TEST_ORIGIN).send(input);
    expect(res.status).toBe(201);
    return res.body.comment.id as string;
  };
  const first = await post({ page: '/one' });
  await post({ page: '/one', parentId: first });
  const third = await post({ page: '/two', body: 'Another thought on the second page.' });
  const reply = await post({ page: '/two', parentId: third });
  await post({ page: '/two', parentId: reply, body: 'A reply to the reply.' });
  // One rejected by a moderator who exists only in the source database.
  const moderator = await createModerator(source.ctx, { siteIds: [siteId] });
  const res = await request(source.app)
    .post(`/api/v1/moderation/comments/${third}/reject`)
    .set('Authorization', `Bearer ${moderator.apiKey}`);
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const thread = (t: TestApp, page: string) =>
  request(t.app).get(`/api/v1/sites/${siteId}/comments`).query({ page }).set('Origin', TEST_ORIGIN);

test('export writes the site, pages and comments with emails, to a file only its owner can read', async () => {
  const file = path.join(tmp, 'site.json');
  const run = await runCli(source.ctx, 'export', siteId, '--file', file);
  expect(run.code).toBe(0);
  expect(run.out).toContain(`Exported site "${siteId}" as Parley JSON: 2 page(s), 5 comment(s)`);
  expect(run.out).not.toContain('@'); // the summary names no one
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);

  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(data).toMatchObject({ format: 'parley-site-export', version: 1, site: { id: siteId } });
  expect(data.pages.map((p: { key: string }) => p.key).sort()).toEqual(['/one', '/two']);
  expect(data.comments.map((c: { email: string }) => c.email).sort()).toEqual([...emails].sort());
  // Parents come before their replies, so the file imports in order.
  const seen = new Set<string>();
  for (const c of data.comments) {
    if (c.parentId) expect(seen.has(c.parentId)).toBe(true);
    seen.add(c.id);
  }
});

test('export refuses to overwrite a file unless --force, and can write to standard output', async () => {
  const file = path.join(tmp, 'exists.json');
  fs.writeFileSync(file, 'keep me');
  const refused = await runCli(source.ctx, 'export', siteId, '--file', file);
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/already exists/);
  expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
  expect((await runCli(source.ctx, 'export', siteId, '--file', file, '--force')).code).toBe(0);
  expect(JSON.parse(fs.readFileSync(file, 'utf8')).site.id).toBe(siteId);

  const stdout = await runCli(source.ctx, 'export', siteId);
  expect(JSON.parse(stdout.out).comments).toHaveLength(5);
  expect((await runCli(source.ctx, 'export', 'no-such-site')).err).toMatch(/No site "no-such-site"/);
});

test('import rebuilds the same public threads elsewhere, and running it again changes nothing', async () => {
  const file = path.join(tmp, 'site.json');
  const run = await runCli(target.ctx, 'import', file);
  expect(run.code).toBe(0);
  expect(run.out).toContain(`Created site "${siteId}"; 5 comment(s) imported into "${siteId}", 2 new page(s); 0 skipped`);

  for (const page of ['/one', '/two']) {
    const [a, b] = await Promise.all([thread(source, page), thread(target, page)]);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
  }
  const counts = await request(target.app)
    .get(`/api/v1/sites/${siteId}/counts?page=/one&page=/two`)
    .set('Origin', TEST_ORIGIN);
  expect(counts.body).toEqual({ counts: { '/one': 2, '/two': 2 } });

  // Emails, statuses and reasons are kept; a moderator unknown here is dropped from moderatedBy.
  const imported = await target.ctx.prisma.comment.findMany({ where: { siteId } });
  expect(imported.map((c) => c.email).sort()).toEqual([...emails].sort());
  const rejected = imported.find((c) => c.status === 'rejected')!;
  expect(rejected.moderatedAt).toBeInstanceOf(Date);
  expect(rejected.moderatedById).toBeNull();

  const again = await runCli(target.ctx, 'import', file);
  expect(again.code).toBe(0);
  expect(again.out).toContain(`0 comment(s) imported into "${siteId}", 0 new page(s); 5 skipped`);
  expect(await target.ctx.prisma.comment.count({ where: { siteId } })).toBe(5);
  expect((await thread(target, '/one')).body.total).toBe(2);
});

test('import adds only the comments that are new', async () => {
  const file = path.join(tmp, 'site.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  const extra = { ...data.comments[0], id: '0f6a2d7e-1c3b-4e5f-8a9b-0c1d2e3f4a5b', body: 'Written after the first export.' };
  data.comments.push(extra);
  const newer = path.join(tmp, 'newer.json');
  fs.writeFileSync(newer, JSON.stringify(data));

  const run = await runCli(target.ctx, 'import', newer);
  expect(run.out).toContain(`1 comment(s) imported into "${siteId}", 0 new page(s); 5 skipped`);
  expect(await target.ctx.prisma.comment.count({ where: { siteId } })).toBe(6);
});

test.each([
  ['not JSON', 'this is not json', /is not valid JSON/],
  ['another format', JSON.stringify({ format: 'disqus', version: 1 }), /is not a Parley export/],
])('import refuses %s and names no value from the file', async (_what, content, message) => {
  const file = path.join(tmp, `bad-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, content);
  const run = await runCli(target.ctx, 'import', file);
  expect(run.code).toBe(1);
  expect(run.err).toMatch(message);
});

test('a bad comment in an import names its field, not its email, and imports nothing', async () => {
  const data = JSON.parse(fs.readFileSync(path.join(tmp, 'site.json'), 'utf8'));
  data.site.id = 'fresh-site';
  data.comments[1].status = 'maybe';
  const file = path.join(tmp, 'bad-status.json');
  fs.writeFileSync(file, JSON.stringify(data));
  const run = await runCli(target.ctx, 'import', file);
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/comments\[1\] \(line \d+\): status/);
  for (const email of emails) expect(run.err).not.toContain(email);
  expect(await target.ctx.prisma.site.findUnique({ where: { id: 'fresh-site' } })).toBeNull();
});

test('a WXR export of native comments imports back into a copy of the site adding nothing (ids travel as comment meta)', async () => {
  const file = path.join(tmp, 'site.wxr');
  expect((await runCli(source.ctx, 'export', siteId, '--format', 'wxr', '--file', file)).code).toBe(0);
  const before = await target.ctx.prisma.comment.count({ where: { siteId } });
  const run = await runCli(target.ctx, 'import', siteId, '--format', 'wxr', file);
  expect(run.code).toBe(0);
  expect(run.out).toContain('0 comment(s) imported');
  expect(await target.ctx.prisma.comment.count({ where: { siteId } })).toBe(before);
});
