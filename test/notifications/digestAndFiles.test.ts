import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import type { AppContext } from '../../src/context';
import { startWorker } from '../../src/notifications/worker';
import { createModerator, createTestApp, testConfig, type TestApp } from '../helpers/testApp';
import { createHeldSite, FAST, fastWorker, moderationLinksIn, postComment, recipient, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

let t: TestApp;
let ctx: AppContext;
let sink: SmtpSink;

beforeAll(async () => {
  t = await createTestApp({ realClock: true });
  ctx = t.ctx;
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});

const drained = () =>
  waitUntil(async () => (await ctx.prisma.job.count({ where: { status: { in: ['running', 'retrying'] } } })) === 0 &&
    (await ctx.prisma.job.count({ where: { status: 'queued', runAt: { lte: new Date() } } })) === 0, 20_000, 'outbox drained');

test('digest mode: at most one email per interval, listing everything pending', async () => {
  const site = await createHeldSite(ctx);
  const each = await createModerator(ctx, { siteIds: [site] });
  const digest = await createModerator(ctx, { siteIds: [site] });
  await ctx.prisma.siteModerator.update({
    where: { siteId_moderatorId: { siteId: site, moderatorId: digest.id } },
    data: { notifyMode: 'digest', digestMinutes: 60 },
  });
  const first = [];
  for (let i = 0; i < 3; i++) first.push((await postComment(t, site)).id);

  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  const to = (m: { id: string; email: string }) => sink.messages.filter((x) => recipient(x) === m.email);
  try {
    await sink.waitFor(4);
    await drained();
    expect(to(each)).toHaveLength(3);
    expect(to(digest)).toHaveLength(1);
    const d1 = to(digest)[0];
    expect(d1.subject).toContain('3 comments waiting');
    expect(new Set(moderationLinksIn(ctx, d1).map((c) => c.commentId))).toEqual(new Set(first));

    // More comments within the interval: the "each" moderator hears at once, the digest waits.
    const second = [(await postComment(t, site)).id, (await postComment(t, site)).id];
    await waitUntil(() => to(each).length === 5);
    await drained();
    expect(to(digest)).toHaveLength(1);
    const waiting = await ctx.prisma.job.findMany({ where: { kind: 'send_moderator_digest', status: 'queued' } });
    expect(waiting).toHaveLength(1); // one digest slot however many comments arrive
    const sm = await ctx.prisma.siteModerator.findUniqueOrThrow({ where: { siteId_moderatorId: { siteId: site, moderatorId: digest.id } } });
    expect(waiting[0].runAt.getTime() - sm.lastDigestAt!.getTime()).toBeGreaterThan(59 * 60_000);

    // A digest job that comes due early (clock skew, manual requeue) waits instead of sending.
    await ctx.prisma.job.update({ where: { id: waiting[0].id }, data: { runAt: new Date(Date.now() - 1000) } });
    await waitUntil(async () => (await ctx.prisma.job.findUniqueOrThrow({ where: { id: waiting[0].id } })).runAt > new Date(Date.now() + 30 * 60_000));
    expect(to(digest)).toHaveLength(1);
    expect((await ctx.prisma.job.findUniqueOrThrow({ where: { id: waiting[0].id } })).attempts).toBe(0);

    // One comment handled meanwhile; then the interval passes.
    await request(t.app).post(`/api/v1/moderation/comments/${first[0]}/approve`).set('Authorization', `Bearer ${each.apiKey}`).expect(200);
    await ctx.prisma.siteModerator.update({
      where: { siteId_moderatorId: { siteId: site, moderatorId: digest.id } },
      data: { lastDigestAt: new Date(Date.now() - 61 * 60_000) },
    });
    await ctx.prisma.job.update({ where: { id: waiting[0].id }, data: { runAt: new Date(Date.now() - 1000) } });
    await waitUntil(() => to(digest).length === 2);
    const d2 = to(digest)[1];
    expect(d2.subject).toContain('4 comments waiting');
    expect(new Set(moderationLinksIn(ctx, d2).map((c) => c.commentId))).toEqual(new Set([...first.slice(1), ...second]));
  } finally {
    await worker.stop();
  }
});

test('without SMTP in embedded mode, each message is an .eml file and its links are logged without addresses', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-mail-'));
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }));
  const fileCtx: AppContext = { ...ctx, config: testConfig({ DATA_DIR: dataDir }), log };
  const site = await createHeldSite(ctx);
  const mod = await createModerator(ctx, { siteIds: [site], email: 'files.mod@moderators.example' });
  await ctx.prisma.job.deleteMany();
  const worker = startWorker(fileCtx, { ...FAST });
  try {
    const c = await postComment(t, site, { email: 'writer@example.org' });
    const dir = path.join(dataDir, 'mail');
    await waitUntil(() => {
      try {
        return readdirSync(dir).filter((f) => f.endsWith('.eml')).length === 1;
      } catch {
        return false;
      }
    });
    const eml = readFileSync(path.join(dir, readdirSync(dir).find((f) => f.endsWith('.eml'))!), 'utf8');
    expect(eml).toContain('files.mod@moderators.example');
    expect(eml).toContain('/moderate/');
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.links);
    expect(logged.links.approve).toMatch(new RegExp(`^http://parley\\.test/moderate/`));
    expect(logged.file).toContain(dir);
    expect(lines.join('\n')).not.toMatch(/@/);
    expect(c.id).toBeTruthy();
    expect(mod.id).toBeTruthy();
  } finally {
    await worker.stop();
  }
});
