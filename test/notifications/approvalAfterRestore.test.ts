import request from 'supertest';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, postComment, recipient, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

// The "your comment is published" email is kept to once per comment by a dedupe key. When a moderator
// approves, then takes it back before the worker runs, the email must not be lost for the next approval.
let t: TestApp;
let sink: SmtpSink;
let site: string;
let mod: { apiKey: string; email: string };

beforeAll(async () => {
  t = await createTestApp({ realClock: true });
  sink = await startSmtpSink();
  site = await createHeldSite(t.ctx);
  mod = await createModerator(t.ctx, { siteIds: [site] });
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});

const act = (id: string, action: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);

async function drainWithWorker() {
  const worker = fastWorker(t.ctx, smtpTransportTo(t.ctx, sink.port));
  try {
    await waitUntil(async () => (await t.ctx.prisma.job.count({ where: { status: { in: ['queued', 'running', 'retrying'] } } })) === 0, 20_000, 'outbox drained');
  } finally {
    await worker.stop();
  }
  return sink.messages.filter((m) => recipient(m) === 'ann.later@example.org');
}

test('approved, taken back before the email went, approved again: the author hears once, after the second approval', async () => {
  const c = await postComment(t, site, { page: '/later', pageUrl: 'https://news.example/later', email: 'ann.later@example.org', notifyReplies: true });
  await act(c.id, 'approve');
  await act(c.id, 'restore');
  expect(await drainWithWorker()).toHaveLength(0); // pending now: nothing to announce

  await act(c.id, 'approve');
  expect(await drainWithWorker()).toHaveLength(1);
  await act(c.id, 'approve'); // repeating the approval sends nothing more
  expect(await drainWithWorker()).toHaveLength(1);
});
