import request from 'supertest';
import type { AppContext } from '../../src/context';
import { renderDigestEmail } from '../../src/notifications/templates/digestEmail';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, postComment, recipient, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, type SmtpSink } from './smtpSink';

/** The moderators' digest shows spam per day, so a wave of good comments caught as spam is noticed. */
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

test('the digest lists the last seven days of spam and restored counts', async () => {
  const site = await createHeldSite(ctx);
  const digest = await createModerator(ctx, { siteIds: [site] });
  await ctx.prisma.siteModerator.update({
    where: { siteId_moderatorId: { siteId: site, moderatorId: digest.id } },
    data: { notifyMode: 'digest', digestMinutes: 60 },
  });
  const act = (id: string, action: string) =>
    request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set('Authorization', `Bearer ${digest.apiKey}`).expect(200);
  const marked = [];
  for (let i = 0; i < 3; i++) marked.push((await postComment(t, site)).id);
  for (const id of marked) await act(id, 'spam');
  await act(marked[0], 'restore');
  // Nothing was sent yet (no worker); the digest job waits with these comments (one restored to pending).
  await postComment(t, site);

  const worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
  try {
    await sink.waitFor(1);
    const mail = sink.messages.find((m) => recipient(m) === digest.email)!;
    const today = new Date().toISOString().slice(0, 10);
    expect(mail.text).toContain('Spam, last 7 days: 2 sent to spam, 1 restored as not spam.');
    expect(mail.text).toContain(`${today}: 2 to spam, 1 restored`);
    expect(mail.html).toContain('Restored</th>');
  } finally {
    await worker.stop();
  }
});

test('without spam counts the digest says nothing about spam', () => {
  const d = renderDigestEmail({ site: { id: 's', name: 'S' }, moderatorName: 'Mo', comments: [], totalPending: 1, moderationUrl: 'https://c.example/q' });
  expect(d.text).not.toContain('Spam, last');
});
