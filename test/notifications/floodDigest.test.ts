import type { AppContext } from '../../src/context';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, moderationLinksIn, postComment, recipient, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

/** A spam wave of held comments becomes a digest for each moderator instead of one email per comment. */
let t: TestApp;
let ctx: AppContext;
let sink: SmtpSink;

beforeAll(async () => {
  t = await createTestApp({ realClock: true, env: { NOTIFY_FLOOD_THRESHOLD: '5' } });
  ctx = t.ctx;
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});

const drained = () =>
  waitUntil(async () => (await ctx.prisma.job.count({ where: { status: { in: ['running', 'retrying'] } } })) === 0 &&
    (await ctx.prisma.job.count({ where: { status: 'queued', runAt: { lte: new Date() } } })) === 0, 30_000, 'outbox drained');

test('40 held comments in a minute: each moderator gets the first few one by one, then one digest listing the rest', async () => {
  const site = await createHeldSite(ctx);
  const mods = [await createModerator(ctx, { siteIds: [site] }), await createModerator(ctx, { siteIds: [site] })];
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push((await postComment(t, site, { body: `Cheap watches ${i} at the usual place, click now`, email: `wave${i}@spam.example` })).id);

  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    await drained();
    await waitUntil(() => mods.every((mod) => sink.messages.some((m) => recipient(m) === mod.email)), 10_000, 'an email to each moderator');
    await new Promise((r) => setTimeout(r, 300)); // nothing else is on its way
    for (const mod of mods) {
      const mine = sink.messages.filter((m) => recipient(m) === mod.email);
      const digests = mine.filter((m) => /waiting/.test(m.subject ?? '') && moderationLinksIn(ctx, m).length > 3);
      // At most the threshold's worth of single emails before the wave is recognised, then one digest.
      expect(mine.length).toBeLessThanOrEqual(5 + 1 + 1);
      expect(digests).toHaveLength(1);
      // The digest lists comments of the wave (up to its listing limit), with working one-click links.
      const listed = new Set(moderationLinksIn(ctx, digests[0]).map((c) => c.commentId));
      expect(listed.size).toBeGreaterThan(30);
      for (const id of listed) expect(ids).toContain(id);
    }
    // Later comments of the wave wait for the next digest slot: one queued digest per moderator, not one email each.
    for (let i = 0; i < 10; i++) await postComment(t, site, { body: `More cheap watches ${i}, click`, email: `wave-late${i}@spam.example` });
    const before = sink.messages.length;
    await drained();
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages.length).toBe(before);
    const waiting = await ctx.prisma.job.findMany({ where: { kind: 'send_moderator_digest', status: { in: ['queued', 'retrying'] } } });
    expect(new Set(waiting.map((j) => (j.payload as { moderatorId: string }).moderatorId))).toEqual(new Set(mods.map((m) => m.id)));
  } finally {
    await worker.stop();
  }
});

test('below the threshold, every held comment is still announced on its own', async () => {
  const site = await createHeldSite(ctx);
  const mod = await createModerator(ctx, { siteIds: [site] });
  const before = sink.messages.length;
  for (let i = 0; i < 3; i++) await postComment(t, site, { body: `An ordinary comment ${i}`, email: `calm${i}@example.org` });
  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    await waitUntil(() => sink.messages.filter((m) => recipient(m) === mod.email).length === 3, 10_000, 'three emails');
    await drained();
    expect(sink.messages.length - before).toBe(3);
  } finally {
    await worker.stop();
  }
});
