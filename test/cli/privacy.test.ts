import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSite, type TestApp } from '../helpers/testApp';
import { createPrivacyApp, insertComment } from '../privacy/privacyHarness';
import { runCli } from './cliHarness';

/** `parley privacy export|erase`: the operator's tools for a reader's request. */
let t: TestApp;
let a: string;
let b: string;
beforeAll(async () => {
  t = await createPrivacyApp();
  a = await createSite(t.ctx);
  b = await createSite(t.ctx);
});
afterAll(() => t.close());

test('export prints every comment of the address (all sites, or one), or writes it to a file', async () => {
  const email = 'Cli.Reader@example.org';
  await insertComment(t, { siteId: a, email, body: 'On site a.' });
  await insertComment(t, { siteId: b, email, body: 'On site b.' });
  const all = await runCli(t.ctx, 'privacy', 'export', email.toLowerCase());
  expect(all.code).toBe(0);
  expect(JSON.parse(all.out).comments.map((c: { body: string }) => c.body).sort()).toEqual(['On site a.', 'On site b.']);
  const one = await runCli(t.ctx, 'privacy', 'export', email, `--site=${a}`);
  expect(JSON.parse(one.out).comments).toHaveLength(1);
  const file = path.join(os.tmpdir(), `parley-privacy-${process.pid}.json`);
  const written = await runCli(t.ctx, 'privacy', 'export', email, `--file=${file}`);
  expect(written.code).toBe(0);
  expect(JSON.parse(readFileSync(file, 'utf8')).comments).toHaveLength(2);
});

test('erase anonymizes (or deletes) and says how many', async () => {
  const email = 'cli.erase@example.org';
  const c = await insertComment(t, { siteId: a, email });
  await insertComment(t, { siteId: b, email });
  const run = await runCli(t.ctx, 'privacy', 'erase', email, `--site=${a}`, '--comments=delete');
  expect(run).toEqual({ code: 0, out: 'Erased 1 comment(s).', err: '' });
  expect(await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: c.id } })).toEqual(expect.objectContaining({ status: 'deleted', body: '', email: '' }));
  expect((await runCli(t.ctx, 'privacy', 'erase', email)).out).toBe('Erased 1 comment(s).');
  const audit = await t.ctx.prisma.auditEvent.findMany({ where: { commentId: c.id } });
  expect(audit).toEqual([expect.objectContaining({ action: 'erase_delete', via: 'cli', moderatorId: null })]);
});

test('wrong usage', async () => {
  expect((await runCli(t.ctx, 'privacy')).code).toBe(64);
  expect((await runCli(t.ctx, 'privacy', 'shred', 'a@b.org')).code).toBe(64);
  expect((await runCli(t.ctx, 'privacy', 'export')).code).toBe(64);
  expect((await runCli(t.ctx, 'privacy', 'export', 'not-an-address')).code).toBe(64);
  expect((await runCli(t.ctx, 'privacy', 'erase', 'a@b.org', '--comments=shred')).code).toBe(64);
  expect((await runCli(t.ctx, 'privacy', 'erase', 'a@b.org', '--site=nope')).code).toBe(64);
});
