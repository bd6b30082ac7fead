import { jobHandlers } from '../../src/notifications/jobHandlers';
import type { MailTransport } from '../../src/notifications/mailTransport';
import { runRetentionSweep, scheduleRetentionSweep } from '../../src/privacy/retention';
import { createSite, type TestApp } from '../helpers/testApp';
import { createPrivacyApp, insertComment } from './privacyHarness';

/** The daily retention sweep, driven by the test clock. */
let t: TestApp;
let site: string;
beforeAll(async () => {
  t = await createPrivacyApp({ IP_RETENTION_DAYS: '30' });
  site = await createSite(t.ctx);
});
afterAll(() => t.close());
const DAY = 24 * 3600_000;

test('IP and user agent go from comments older than IP_RETENTION_DAYS, and only from those', async () => {
  const old = await insertComment(t, { siteId: site, email: 'old@example.org', createdAt: new Date(t.clock.now.getTime() - 31 * DAY) });
  const recent = await insertComment(t, { siteId: site, email: 'new@example.org', createdAt: new Date(t.clock.now.getTime() - 29 * DAY) });
  const result = await runRetentionSweep(t.ctx);
  expect(result.commentsCleared).toBe(1);
  expect(await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: old.id } })).toEqual(expect.objectContaining({ ip: null, userAgent: null, email: 'old@example.org' }));
  expect(await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: recent.id } })).toEqual(expect.objectContaining({ ip: '203.0.113.7', userAgent: 'StoredBrowser/1' }));
  t.clock.advance(2 * DAY);
  expect((await runRetentionSweep(t.ctx)).commentsCleared).toBe(1);
  expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: recent.id } })).ip).toBeNull();
});

test('finished jobs, expired requests, ended rate-limit windows and used or expired sign-in links past their use go', async () => {
  const now = t.clock.now;
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  await t.ctx.prisma.job.createMany({
    data: [
      { kind: 'send_approved_notification', payload: { siteId: site, commentId: 'x' }, status: 'sent', finishedAt: ago(15) },
      { kind: 'send_approved_notification', payload: { siteId: site, commentId: 'y' }, status: 'sent', finishedAt: ago(1) },
      { kind: 'send_approved_notification', payload: { siteId: site, commentId: 'z' }, status: 'dead', finishedAt: ago(31) },
      { kind: 'send_approved_notification', payload: { siteId: site, commentId: 'w' }, status: 'queued' },
    ],
  });
  await t.ctx.prisma.privacyRequest.create({ data: { siteId: site, email: 'gone@example.org', kind: 'export', expiresAt: ago(1) } });
  await t.ctx.prisma.privacyRequest.create({ data: { siteId: site, email: 'kept@example.org', kind: 'export', expiresAt: new Date(now.getTime() + DAY) } });
  const hasLoginLinks = (await t.ctx.prisma.$queryRawUnsafe<{ t: string | null }[]>(`SELECT to_regclass('"LoginLink"')::text AS t`))[0].t;
  if (hasLoginLinks) {
    const [mod] = await t.ctx.prisma.$queryRawUnsafe<{ id: string }[]>(`INSERT INTO "Moderator" ("name", "email") VALUES ('M', 'm@example.org') RETURNING "id"::text AS id`);
    await t.ctx.prisma.$executeRawUnsafe(
      `INSERT INTO "LoginLink" ("tokenHash", "moderatorId", "expiresAt", "usedAt") VALUES ('a', $1::uuid, $2, $3), ('b', $1::uuid, $4, NULL), ('c', $1::uuid, $5, NULL)`,
      mod.id, ago(2), ago(2), ago(2), new Date(now.getTime() + 600_000),
    );
  }
  await t.ctx.prisma.rateLimit.createMany({ data: [{ key: 'comment:ip:old', windowStart: ago(3), count: 4 }, { key: 'comment:ip:now', windowStart: now, count: 1 }] });
  const result = await runRetentionSweep(t.ctx);
  expect(result.rateLimitsDeleted).toBe(1);
  expect((await t.ctx.prisma.rateLimit.findMany()).map((r) => r.key)).toEqual(['comment:ip:now']);
  expect(result.jobsDeleted).toBe(2);
  expect(await t.ctx.prisma.job.count({ where: { payload: { path: ['commentId'], equals: 'y' } } })).toBe(1);
  expect(await t.ctx.prisma.job.count({ where: { status: 'queued' } })).toBeGreaterThanOrEqual(1);
  expect(result.requestsDeleted).toBe(1);
  expect(await t.ctx.prisma.privacyRequest.count()).toBe(1);
  if (hasLoginLinks) expect(result.loginLinksDeleted).toBe(2);
});

test('one sweep per day however many instances schedule it; each run queues the next day', async () => {
  await t.ctx.prisma.job.deleteMany({ where: { kind: 'retention_sweep' } });
  const results = await Promise.all([1, 2, 3].map(() => scheduleRetentionSweep(t.ctx, t.clock.now)));
  expect(results.filter(Boolean)).toHaveLength(1);
  const [job] = await t.ctx.prisma.job.findMany({ where: { kind: 'retention_sweep' } });
  const noMail: MailTransport = { kind: 'file', send: async () => {}, verify: async () => true, close() {} };
  const outcome = await jobHandlers.retention_sweep({ ctx: t.ctx, transport: noMail, job: { id: String(job.id), kind: job.kind, payload: job.payload, attempts: 1, maxAttempts: 5 }, workerId: 'w' });
  expect(outcome).toEqual({ type: 'done' });
  const keys = (await t.ctx.prisma.job.findMany({ where: { kind: 'retention_sweep' }, orderBy: { id: 'asc' } })).map((j) => j.dedupeKey);
  const tomorrow = new Date(t.clock.now.getTime() + DAY).toISOString().slice(0, 10);
  expect(keys).toEqual([`retention_sweep:${t.clock.now.toISOString().slice(0, 10)}`, `retention_sweep:${tomorrow}`]);
});
