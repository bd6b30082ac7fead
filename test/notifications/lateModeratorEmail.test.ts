import request from 'supertest';
import type { AppContext } from '../../src/context';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, moderationLinksIn, postComment, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

/**
 * The notification queue can run late (a backlog, retries). A moderator email describes the comment as it
 * is when the email goes out: a comment a moderator has already decided on gets no email (nothing is left
 * to do, and its one-click links would no longer apply); one still pending is "waiting for you".
 */
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
beforeEach(async () => {
  sink.messages.length = 0;
  await ctx.prisma.job.deleteMany();
});

/** Runs the worker until the queue is empty, i.e. every email job has been sent or skipped. */
async function drainQueue() {
  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    await waitUntil(async () => (await ctx.prisma.job.count({ where: { status: { in: ['queued', 'running', 'retrying'] } } })) === 0, 20_000, 'the queue to drain');
  } finally {
    await worker.stop();
  }
}

test.each(['approve', 'reject', 'spam'])('a comment a moderator already handled (%s) before the email went out: no email', async (action) => {
  const site = await createHeldSite(ctx);
  const first = await createModerator(ctx, { siteIds: [site] });
  await createModerator(ctx, { siteIds: [site] });
  const c = await postComment(t, site, { page: `/late-${action}` });
  // The queue is behind: a moderator decides before any notification is sent.
  await request(t.app).post(`/api/v1/moderation/comments/${c.id}/${action}`).set('Authorization', `Bearer ${first.apiKey}`).expect(200);
  await drainQueue();
  expect(sink.messages.filter((m) => String(m.subject).includes(`/late-${action}`) || String(m.text).includes(c.id))).toHaveLength(0);
  expect(sink.messages.filter((m) => /waiting for you/.test(String(m.text)))).toHaveLength(0);
  // Done with, not left to retry.
  expect(await ctx.prisma.job.count({ where: { status: { in: ['retrying', 'dead'] } } })).toBe(0);
});

test('a comment still pending when the email goes out: "waiting for you" with Approve, Reject and Spam', async () => {
  const site = await createHeldSite(ctx);
  const mod = await createModerator(ctx, { siteIds: [site] });
  const c = await postComment(t, site, { page: '/still-waiting' });
  await drainQueue();
  expect(sink.messages).toHaveLength(1);
  expect(String(sink.messages[0].text)).toMatch(/is waiting for you/);
  const claims = moderationLinksIn(ctx, sink.messages[0]);
  expect(claims.map((x) => x.action).sort()).toEqual(['approve', 'reject', 'spam']);
  expect(claims.every((x) => x.commentId === c.id && x.moderatorId === mod.id)).toBe(true);
});
