import type { AppContext } from '../../src/context';
import { jobCounts } from '../../src/notifications/queue';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, moderationLinksIn, postComment, recipient, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

let t: TestApp;
let ctx: AppContext;
let sink: SmtpSink;

beforeAll(async () => {
  // Every comment must reach every moderator one by one here: the spam-wave digest (floodDigest.test.ts) is off.
  t = await createTestApp({ realClock: true, env: { NOTIFY_FLOOD_THRESHOLD: '0' } });
  ctx = t.ctx;
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});
beforeEach(async () => {
  sink.messages.length = 0;
  sink.rejected = 0;
  sink.rejectWith(0, '', 0);
  await sink.start();
  // Each test starts from an empty outbox.
  await ctx.prisma.job.deleteMany();
});

/** Every (moderator, comment) pair of the given sets, each received exactly once. */
function expectExactlyOnce(moderators: { id: string; email: string }[], commentIds: string[]) {
  const seen = new Map<string, number>();
  for (const mail of sink.messages) {
    const claims = moderationLinksIn(ctx, mail);
    const approve = claims.find((c) => c.action === 'approve');
    expect(approve).toBeDefined();
    const mod = moderators.find((m) => m.id === approve!.moderatorId);
    expect(mod).toBeDefined();
    expect(recipient(mail)).toBe(mod!.email);
    const key = `${approve!.moderatorId}/${approve!.commentId}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const m of moderators) for (const c of commentIds) expect(seen.get(`${m.id}/${c}`)).toBe(1);
  expect(sink.messages).toHaveLength(moderators.length * commentIds.length);
}

test('the moderator email has text and html parts with the facts and three signed links', async () => {
  const site = await createHeldSite(ctx);
  const mod = await createModerator(ctx, { siteIds: [site], name: 'Morgan <b>Editor</b>' });
  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    const c = await postComment(t, site, {
      name: 'Jane <script>x</script>', email: 'jane.facts@example.org', website: 'https://jane.example',
      body: 'Line one\nLine <two> & more', page: '/facts', pageTitle: 'Facts & Figures', pageUrl: 'https://news.example/facts',
    });
    await sink.waitFor(1);
    const mail = sink.messages[0];
    const { reasons } = await ctx.prisma.comment.findUniqueOrThrow({ where: { id: c.id }, select: { reasons: true } });
    expect(reasons.length).toBeGreaterThan(0);
    expect(recipient(mail)).toBe(mod.email);
    expect(mail.subject).toContain('Facts & Figures');
    for (const part of [String(mail.text), String(mail.html)]) {
      expect(part).toContain('jane.facts@example.org');
      expect(part).toContain('https://news.example/facts');
      for (const reason of reasons) expect(part).toContain(reason);
    }
    // The queue and the comment open in the console (issue 11 defect 4), not a JSON endpoint.
    expect(String(mail.text)).toContain(`/admin?site=${site}`);
    expect(String(mail.html)).toContain(`/admin?site=${site}`);
    expect(String(mail.text)).toContain(`Open in the console: ${ctx.publicUrl}/admin/comments/${c.id}`);
    expect(String(mail.html)).toContain(`href="${ctx.publicUrl}/admin/comments/${c.id}"`);
    expect(String(mail.text)).toContain('Line <two> & more');
    expect(String(mail.html)).toContain('Line &lt;two&gt; &amp; more');
    expect(String(mail.html)).not.toContain('<script>x');
    expect(String(mail.html)).toContain('Morgan &lt;b&gt;Editor&lt;/b&gt;');
    const claims = moderationLinksIn(ctx, mail);
    expect(claims.map((x) => x.action).sort()).toEqual(['approve', 'reject', 'spam']);
    expect(claims.every((x) => x.commentId === c.id && x.moderatorId === mod.id)).toBe(true);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
  } finally {
    await worker.stop();
  }
});

test('SMTP down while 200 comments arrive, then up: every moderator gets every notification exactly once', async () => {
  const site = await createHeldSite(ctx);
  const mods = await Promise.all([1, 2, 3].map(() => createModerator(ctx, { siteIds: [site] })));
  const revoked = await createModerator(ctx, { siteIds: [site] });
  await ctx.prisma.moderator.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });

  await sink.stop();
  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await postComment(t, site, { page: `/outage/${i % 7}` })).id);
    // All fanned out, nothing lost, and nothing counted against the jobs while the server was away.
    await waitUntil(async () => (await ctx.prisma.job.count({ where: { kind: 'send_moderator_email' } })) === 600, 60_000, 'fan-out');
    await waitUntil(async () => (await ctx.prisma.job.count({ where: { kind: 'notify_new_comment', status: 'sent' } })) === 200, 60_000, 'fan-out done');
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.messages).toHaveLength(0);
    const waiting = await ctx.prisma.job.findMany({ where: { kind: 'send_moderator_email' } });
    expect(waiting.every((j) => j.status === 'queued' || j.status === 'retrying')).toBe(true);
    expect(waiting.every((j) => j.attempts === 0)).toBe(true);
    const touched = waiting.filter((j) => j.lastError);
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.every((j) => /unreachable/.test(j.lastError!) && !j.lastError!.includes('@'))).toBe(true);

    const upAt = Date.now();
    await sink.start();
    await sink.waitFor(600, 60_000);
    const delay = Date.now() - upAt;
    await new Promise((r) => setTimeout(r, 300)); // any duplicate would arrive now
    expectExactlyOnce(mods, ids);
    expect(await jobCounts(ctx)).toMatchObject({ sent: 800, queued: 0, retrying: 0, dead: 0, running: 0 });
    // eslint-disable-next-line no-console
    console.log(`200 comments x 3 moderators delivered ${delay} ms after SMTP came back`);
  } finally {
    await worker.stop();
  }
}, 120_000);

test('two workers on one database send no duplicates', async () => {
  const site = await createHeldSite(ctx);
  const mods = await Promise.all([1, 2].map(() => createModerator(ctx, { siteIds: [site] })));
  // A second Prisma client on its own pool stands in for a second instance (embedded mode has one connection).
  const other = t.db.mode === 'server' ? await secondInstance() : null;
  const ctx2 = other ? { ...ctx, prisma: other.prisma, pool: other.pool } : ctx;
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push((await postComment(t, site)).id);
  const w1 = fastWorker(ctx, smtpTransportTo(ctx, sink.port), { concurrency: 3, workerId: 'w1' });
  const w2 = fastWorker(ctx2, smtpTransportTo(ctx2, sink.port), { concurrency: 3, workerId: 'w2' });
  try {
    await sink.waitFor(80, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(mods, ids);
  } finally {
    await Promise.all([w1.stop(), w2.stop()]);
    await other?.close();
  }
}, 90_000);

async function secondInstance() {
  const { createPool } = await import('../../src/db/pool');
  const { createPrismaClient } = await import('../../src/db/prismaClient');
  const pool = createPool({ connectionString: process.env.TEST_DATABASE_URL!, max: 5, connectTimeoutMs: 5000, schema: t.db.schema! });
  const prisma = createPrismaClient(pool, t.db.schema!);
  return { pool, prisma, close: async () => { await prisma.$disconnect(); await pool.end(); } };
}

test('4xx replies are retried until accepted, and the message goes out once', async () => {
  const site = await createHeldSite(ctx);
  const mod = await createModerator(ctx, { siteIds: [site] });
  sink.rejectWith(451, '4.7.1 Greylisted, try again later', 3);
  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    const c = await postComment(t, site);
    await sink.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce([mod], [c.id]);
    expect(sink.rejected).toBe(3);
    const job = await ctx.prisma.job.findFirstOrThrow({ where: { kind: 'send_moderator_email' } });
    expect(job).toMatchObject({ status: 'sent', attempts: 4 });
    expect(job.lastError).toContain('451');
  } finally {
    await worker.stop();
  }
});

test('5xx replies are retried, then the job is dead with its scrubbed error visible', async () => {
  const site = await createHeldSite(ctx);
  await createModerator(ctx, { siteIds: [site], email: 'victim.mod@moderators.example' });
  sink.rejectWith(550, '5.1.1 <victim.mod@moderators.example>: Recipient address rejected');
  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    await postComment(t, site);
    await waitUntil(async () => (await ctx.prisma.job.count({ where: { status: 'dead' } })) === 1, 20_000, 'dead job');
    const job = await ctx.prisma.job.findFirstOrThrow({ where: { kind: 'send_moderator_email' } });
    expect(job.status).toBe('dead');
    expect(job.attempts).toBe(3);
    expect(sink.rejected).toBe(3);
    expect(job.lastError).toContain('550');
    expect(job.lastError).not.toContain('@');
    expect(job.finishedAt).not.toBeNull();
    expect(sink.messages).toHaveLength(0);
  } finally {
    await worker.stop();
  }
});

test('a job claimed by a worker that then vanished is sent by another worker once its lease expires', async () => {
  const site = await createHeldSite(ctx);
  const mod = await createModerator(ctx, { siteIds: [site] });
  const c = await postComment(t, site);
  const { claimJobs } = await import('../../src/notifications/queue');
  // The fan-out first, by a worker that then stops normally.
  const fanout = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  await waitUntil(async () => (await ctx.prisma.job.count({ where: { kind: 'send_moderator_email' } })) === 1);
  await fanout.stop();
  await sink.waitFor(1).catch(() => {});
  if (sink.messages.length) {
    // The fan-out worker was quick enough to send too; requeue it as "claimed, then crashed" by hand.
    sink.messages.length = 0;
    await ctx.prisma.job.updateMany({ where: { kind: 'send_moderator_email' }, data: { status: 'queued' } });
  }
  // "Crashed" worker: claims and never sends.
  const [claimed] = await claimJobs(ctx.prisma, { workerId: 'doomed', kinds: ['send_moderator_email'], limit: 1 });
  expect(claimed).toBeDefined();
  const survivor = fastWorker(ctx, smtpTransportTo(ctx, sink.port), { leaseMs: 600 });
  try {
    await sink.waitFor(1, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce([mod], [c.id]);
    const job = await ctx.prisma.job.findFirstOrThrow({ where: { id: BigInt(claimed.id) } });
    expect(job.status).toBe('sent');
    expect(job.lastError).toContain('lease expired');
  } finally {
    await survivor.stop();
  }
});
