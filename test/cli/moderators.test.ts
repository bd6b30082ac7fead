import crypto from 'node:crypto';
import request from 'supertest';
import { createSite, createTestApp, type TestApp } from '../helpers/testApp';
import { printedKey, runCli } from './cliHarness';

let t: TestApp;
let siteA: string;
let siteB: string;
const EMAIL = 'ada.moderator@newsroom.example';

beforeAll(async () => {
  t = await createTestApp();
  siteA = await createSite(t.ctx);
  siteB = await createSite(t.ctx);
});
afterAll(async () => {
  await t.close();
});

const listQueue = (key: string) =>
  request(t.app).get('/api/v1/moderation/comments').set('Authorization', `Bearer ${key}`);

async function createAda() {
  const run = await runCli(t.ctx, 'moderator', 'create', '--name', 'Ada', '--email', EMAIL, '--site', siteA, '--site', siteB);
  expect(run.code).toBe(0);
  const id = /Created moderator ([0-9a-f-]{36})/.exec(run.out)![1];
  return { run, id, key: printedKey(run) };
}

test('moderator create prints a working key once, stores only its hash, and never echoes the email', async () => {
  const { run, id, key } = await createAda();
  expect(run.out).toContain(`for ${siteA}, ${siteB}`);
  expect(run.out).not.toContain(EMAIL);
  expect(run.err).toBe('');

  expect((await listQueue(key)).status).toBe(200);
  const me = await t.ctx.prisma.moderator.findUniqueOrThrow({ where: { id }, include: { sites: true, apiKeys: true } });
  expect(me.email).toBe(EMAIL);
  expect(me.sites.map((s) => s.siteId).sort()).toEqual([siteA, siteB].sort());
  expect(me.apiKeys).toHaveLength(1);
  expect(me.apiKeys[0].keyHash).toBe(crypto.createHash('sha256').update(key).digest('hex'));
  // The key itself is nowhere in the database.
  const dump = await t.ctx.pool.query(`SELECT row_to_json(k)::text AS row FROM "ApiKey" k`);
  expect(dump.rows.map((r) => r.row).join('\n')).not.toContain(key);
});

test('moderator create --role admin makes an admin of every site given; the default is moderator', async () => {
  const admin = await runCli(t.ctx, 'moderator', 'create', '--name', 'Ed', '--email', 'ed@newsroom.example', '--site', siteA, '--role', 'admin');
  expect(admin.code).toBe(0);
  expect(admin.out).toContain('as admin');
  const adminId = /Created moderator ([0-9a-f-]{36})/.exec(admin.out)![1];
  const plain = await runCli(t.ctx, 'moderator', 'create', '--name', 'Mo', '--email', 'mo@newsroom.example', '--site', siteA);
  const plainId = /Created moderator ([0-9a-f-]{36})/.exec(plain.out)![1];
  const roles = await t.ctx.prisma.siteModerator.findMany({ where: { moderatorId: { in: [adminId, plainId] } } });
  expect(roles.find((r) => r.moderatorId === adminId)!.role).toBe('admin');
  expect(roles.find((r) => r.moderatorId === plainId)!.role).toBe('moderator');
  const list = await runCli(t.ctx, 'moderator', 'list');
  expect(list.out).toContain(`${siteA} (admin)`);
  const bad = await runCli(t.ctx, 'moderator', 'create', '--name', 'Zo', '--email', 'zo@newsroom.example', '--site', siteA, '--role', 'owner');
  expect(bad.code).not.toBe(0);
  expect(bad.err).toMatch(/--role is "admin" or "moderator"/);
});

test.each([
  [['--email', EMAIL, '--site', 'x'], /Missing --name/],
  [['--name', 'Bo', '--site', 'x'], /Missing --email/],
  [['--name', 'Bo', '--email', 'not-an-email', '--site', 'x'], /not a valid email/],
  [['--name', 'Bo', '--email', EMAIL], /at least one --site/],
  [['--name', 'Bo', '--email', EMAIL, '--site', 'no-such-site'], /No such site: no-such-site/],
])('moderator create refuses %j without creating anyone or printing the email', async (args, message) => {
  const before = await t.ctx.prisma.moderator.count();
  const run = await runCli(t.ctx, 'moderator', 'create', ...args);
  expect(run.code).not.toBe(0);
  expect(run.err).toMatch(message);
  expect(run.out + run.err).not.toContain(EMAIL);
  expect(await t.ctx.prisma.moderator.count()).toBe(before);
});

test('moderator list hides emails unless --show-emails is given', async () => {
  const { id } = await createAda();
  const plain = await runCli(t.ctx, 'moderator', 'list');
  expect(plain.code).toBe(0);
  expect(plain.out).not.toContain('@');
  expect(plain.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+KEYS\s+LAST USED\s+SITES$/);
  expect(plain.out).toMatch(new RegExp(`${id}\\s+Ada\\s+active\\s+1\\s+-\\s+${[siteA, siteB].sort().join(',')}`));

  const shown = await runCli(t.ctx, 'moderator', 'list', '--show-emails');
  expect(shown.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+EMAIL\s+STATUS/);
  expect(shown.out).toMatch(new RegExp(`${id}\\s+Ada\\s+${EMAIL.replace(/\./g, '\\.')}\\s+active`));
});

test('moderator key issues a new key once and revokes the old ones (or keeps them with --keep-old)', async () => {
  const { id, key: first } = await createAda();
  const rotated = await runCli(t.ctx, 'moderator', 'key', id);
  expect(rotated.code).toBe(0);
  expect(rotated.out).toContain('1 older key(s) revoked');
  const second = printedKey(rotated);
  expect(second).not.toBe(first);
  expect((await listQueue(first)).status).toBe(401);
  expect((await listQueue(second)).status).toBe(200);

  const extra = printedKey(await runCli(t.ctx, 'moderator', 'key', id, '--keep-old'));
  expect((await listQueue(second)).status).toBe(200);
  expect((await listQueue(extra)).status).toBe(200);
});

test('moderator revoke stops the moderator and every key at once; revoking again is harmless', async () => {
  const { id, key } = await createAda();
  const extra = printedKey(await runCli(t.ctx, 'moderator', 'key', id, '--keep-old'));
  const run = await runCli(t.ctx, 'moderator', 'revoke', id);
  expect(run).toMatchObject({ code: 0 });
  expect(run.out).toContain('and 2 API key(s)');
  expect((await listQueue(key)).status).toBe(401);
  expect((await listQueue(extra)).status).toBe(401);

  const again = await runCli(t.ctx, 'moderator', 'revoke', id);
  expect(again.code).toBe(0);
  expect(again.out).toContain('already revoked');
  // No new key for a revoked moderator.
  const key2 = await runCli(t.ctx, 'moderator', 'key', id);
  expect(key2.code).toBe(1);
  expect(key2.err).toMatch(/is revoked/);
  expect(key2.out).not.toMatch(/pk_/);
  const listed = await runCli(t.ctx, 'moderator', 'list');
  expect(listed.out).toMatch(new RegExp(`${id}\\s+Ada\\s+revoked \\d{4}-\\d{2}-\\d{2}\\s+0`));
});

test.each([
  [['revoke'], 64, /Missing moderator id/],
  [['revoke', 'not-a-uuid'], 1, /is not a moderator id/],
  [['revoke', '00000000-0000-4000-8000-000000000000'], 1, /No moderator 00000000-0000-4000-8000-000000000000/],
  [['key', '00000000-0000-4000-8000-000000000000'], 1, /No moderator/],
  [['promote', 'x'], 64, /Unknown moderator command "promote"/],
])('moderator %j is refused with exit code %i', async (args, code, message) => {
  const run = await runCli(t.ctx, 'moderator', ...args);
  expect(run.code).toBe(code);
  expect(run.err).toMatch(message);
});
